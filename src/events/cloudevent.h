#pragma once

// CloudEvents 1.0 over HTTP (the HTTP protocol binding and the JSON event format): reading the
// three content modes a producer may POST (binary: attributes in ce-* headers, the body the
// data; structured: one event as application/cloudevents+json; batched: an array as
// application/cloudevents-batch+json), validating each event, and the mapping between a
// CloudEvent and an EventBridge event.
//
// An event is kept in its JSON format: an object with its attributes (specversion, id, source,
// type, and optionally subject, time, datacontenttype, dataschema and extensions) and its data
// as "data" (JSON when the content type is JSON or absent, else text) or "data_base64".
//
// The mapping onto an EventBridge event: source -> source, type -> detail-type, time -> time
// (else when it is put), subject -> resources (one entry, when there is a subject), and the
// whole CloudEvent -> detail, so that rules can match any attribute (detail.subject,
// detail.id, an extension) and the data (detail.data.*). Back, for a CloudEvent sent out: an
// event whose detail is a CloudEvent is that CloudEvent; any other event becomes one with its
// id, source, detail-type as type, time, its first resource as subject, and its detail as
// JSON data.
//
// Pure: no I/O, no clock.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/json.h"

namespace baton::events {

// The error name of an event that is not a valid CloudEvent (answered with HTTP 400).
inline constexpr std::string_view kInvalidCloudEvent = "InvalidCloudEvent";

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;  // names lower-cased

// The events of one HTTP request, in its content mode, each validated. Errors:
// InvalidCloudEvent, naming the event (its place in a batch) and the attribute.
[[nodiscard]] Result<std::vector<json::Value>> read_http_cloudevents(const HttpHeaders& headers,
                                                                     std::string_view body);

// Checks one event in the JSON format; `where` starts the error's message ("event 2: ").
[[nodiscard]] Result<json::Value> validate_cloudevent(const json::Value& event,
                                                      std::string_view where);

// The CloudEvent an EventBridge event (its envelope) is sent out as.
json::Value cloudevent_of(const json::Value& eventbridge_event);

// A CloudEvent as an HTTP request in binary mode: its ce-* headers (Content-Type from
// datacontenttype) and its data as the body.
std::pair<HttpHeaders, std::string> binary_http(const json::Value& cloudevent);

}  // namespace baton::events
