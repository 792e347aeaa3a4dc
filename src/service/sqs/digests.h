#pragma once

// The digests SQS answers with its messages and that the SDKs check: MD5OfMessageBody,
// MD5OfMessageAttributes and MD5OfMessageSystemAttributes. Pure functions.

#include <string>
#include <string_view>

#include "core/json.h"

namespace baton::service::sqs {

// MD5OfMessageBody: the hex MD5 of the body's bytes.
std::string body_md5(std::string_view body);

// MD5OfMessageAttributes (and, of MessageSystemAttributes, MD5OfMessageSystemAttributes): the
// MD5 of every attribute in name order, each as its length-prefixed name, length-prefixed data
// type, a transport byte (1 for String and Number types, 2 for Binary) and its length-prefixed
// value; lengths are 4 bytes, big-endian. `attributes` maps a name to {DataType, StringValue |
// BinaryValue (raw bytes)}. "" when there are none.
std::string attributes_md5(const json::Value& attributes);

}  // namespace baton::service::sqs
