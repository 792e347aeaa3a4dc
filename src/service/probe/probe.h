#pragma once

// Probes of the gateway: the smallest services that let the protocol layer be tried with real
// clients before the real services of their APIs exist. Registered only when
// ServiceOptions::test_services is set (BATON_TEST_SERVICES=1 in `baton serve`'s environment);
// they keep what they are sent in memory, not in the store.
//
//   sqs  SendMessage (the query protocol of older clients, the JSON protocol of current ones):
//        answers the message id and the digests of body and attributes the clients check.
//   s3   PutObject, GetObject (rest-xml; headers, payloads, CRC32 checksums).

#include <memory>
#include <string>
#include <string_view>

#include "core/json.h"
#include "service/core.h"

namespace baton::service::probe {

std::unique_ptr<EmulatedService> make_queue(Core& core);
std::unique_ptr<EmulatedService> make_bucket(Core& core);

// SQS's MD5OfMessageAttributes: the MD5 of every attribute, in name order, as length-prefixed
// name, data type, a transport byte (1 for String and Number types, 2 for Binary) and the
// length-prefixed value. `attributes` is the request's MessageAttributes map. "" when empty.
std::string message_attributes_md5(const json::Value& attributes);

}  // namespace baton::service::probe
