#pragma once

// `baton deploy`'s and `baton teardown`'s HTTP APIs, through baton serve's API Gateway API
// (apigatewayv2). An API deploy made before is found again by its tags (baton:stack,
// baton:logical-id), so its id and URL stay; its routes, integrations and stages are made anew.

#include "cli/serve_client.h"
#include "core/error.h"
#include "service/sam_template.h"

namespace baton::cli {

// Each API brought to what the template says; prints each API's URL.
[[nodiscard]] Expected<void, Error> deploy_http_apis(ServeClient& client,
                                                     const service::SamProject& project);
[[nodiscard]] Expected<void, Error> teardown_http_apis(ServeClient& client,
                                                       const service::SamProject& project);

}  // namespace baton::cli
