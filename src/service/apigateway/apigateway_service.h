#pragma once

// API Gateway's registration, for service.cc: its HTTP APIs (apigatewayv2) and its REST APIs
// (apigateway), served together on the HTTP API port.

#include <memory>

#include "service/core.h"

namespace baton::service::apigateway {

void register_services(Core& core);

}  // namespace baton::service::apigateway
