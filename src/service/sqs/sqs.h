#pragma once

// The SQS service ("sqs"): queues kept in the store, their messages entries of one space per
// queue, served to the gateway's clients and to the other services through Core::call.
//
// What callers within baton may rely on (the same values the gateway passes; QueueUrl may be
// any URL whose path is /ACCOUNT/NAME, such as https://sqs.REGION.amazonaws.com/ACCOUNT/NAME
// built from a queue's ARN arn:aws:sqs:REGION:ACCOUNT:NAME):
//   SendMessage {QueueUrl, MessageBody, MessageAttributes?, MessageSystemAttributes?,
//       DelaySeconds?, MessageGroupId?, MessageDeduplicationId?} -> {MessageId,
//       MD5OfMessageBody, MD5OfMessageAttributes?, SequenceNumber?}. Called on the service
//       thread, the message is staged in the caller's group: it commits with the cause.
//   SendMessageBatch, ReceiveMessage {QueueUrl, MaxNumberOfMessages?, VisibilityTimeout?,
//       WaitTimeSeconds? (0 from within baton: answered at once), MessageSystemAttributeNames?,
//       MessageAttributeNames?} -> {Messages: [{MessageId, ReceiptHandle, Body, MD5OfBody,
//       Attributes?, MessageAttributes?}]}, DeleteMessageBatch {QueueUrl, Entries: [{Id,
//       ReceiptHandle}]} and ChangeMessageVisibilityBatch {QueueUrl, Entries: [{Id,
//       ReceiptHandle, VisibilityTimeout}]} -> {Successful, Failed}, GetQueueAttributes,
//       GetQueueUrl: as AWS's model has them.
// Errors carry the model's exception names (QueueDoesNotExist, InvalidParameterValue, ...).
// QueueUrls answered to the gateway's clients name the Host their request came to (the gateway
// passes it as the member "@host"); to callers within baton, https://sqs.REGION.amazonaws.com.

#include <memory>

#include "service/core.h"

namespace baton::service::sqs {

std::unique_ptr<EmulatedService> make(Core& core);

}  // namespace baton::service::sqs
