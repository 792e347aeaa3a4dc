#pragma once

// The API Gateway service's registration, for service.cc.

#include <memory>

#include "service/core.h"

namespace baton::service::apigateway {

std::unique_ptr<EmulatedService> make(Core& core);

}  // namespace baton::service::apigateway
