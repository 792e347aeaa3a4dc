#include "api/auth.h"

namespace baton::api {

using net::sigv4::FailureKind;

Error signature_error(Protocol wire, const net::sigv4::Failure& failure, bool presigned,
                      std::string_view served_region) {
  const std::string& message = failure.message;
  switch (wire) {
    case Protocol::Json:
    case Protocol::RestJson:
      switch (failure.kind) {
        case FailureKind::Missing:
          return Error{"MissingAuthenticationTokenException", message};
        case FailureKind::Malformed:
          return Error{"IncompleteSignatureException", message};
        case FailureKind::UnknownKey:
          return Error{"UnrecognizedClientException", message};
        default:
          return Error{"InvalidSignatureException", message};
      }
    case Protocol::Query:
      switch (failure.kind) {
        case FailureKind::Missing:
          return Error{"MissingAuthenticationToken", message};
        case FailureKind::Malformed:
          return Error{"IncompleteSignature", message};
        case FailureKind::UnknownKey:
          return Error{"InvalidClientTokenId", message};
        default:
          return Error{"SignatureDoesNotMatch", message};
      }
    case Protocol::RestXml:
      switch (failure.kind) {
        case FailureKind::Missing:
        case FailureKind::Expired:
          return Error{"AccessDenied", message};
        case FailureKind::Malformed:
          return Error{
              presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed",
              message};
        case FailureKind::UnknownKey:
          return Error{"InvalidAccessKeyId", message};
        case FailureKind::WrongRegion:
          return Error{
              presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed",
              message,
              {{"Region", std::string(served_region)}}};
        case FailureKind::Skewed:
          return Error{"RequestTimeTooSkewed", message};
        case FailureKind::BadSignature:
          return Error{"SignatureDoesNotMatch", message};
      }
  }
  return Error{"AccessDenied", message};
}

}  // namespace baton::api
