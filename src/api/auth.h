#pragma once

// What a refused signature is called in each protocol: the same failure is
// InvalidSignatureException to Step Functions' clients, SignatureDoesNotMatch to SQS's and S3's.

#include "api/model.h"
#include "core/error.h"
#include "net/sigv4.h"

namespace baton::api {

// The error a request whose signature failed is answered with, in `wire`'s words. S3 tells a
// presigned URL's faults from an Authorization header's, and names the region it expected.
Error signature_error(Protocol wire, const net::sigv4::Failure& failure, bool presigned,
                      std::string_view served_region);

}  // namespace baton::api
