#pragma once

// `baton deploy`'s and `baton teardown`'s REST APIs, through baton serve's API Gateway API
// (apigateway): an API is made once (CreateRestApi with its tags, by which the next deploy finds
// it again, so its id and URLs stay), its resources put from its OpenAPI document (PutRestApi,
// mode overwrite), and each of its stages deployed (CreateDeployment).

#include "cli/serve_client.h"
#include "core/error.h"
#include "service/sam_template.h"

namespace baton::cli {

// Each API brought to what the template says; prints each API's id and stages.
[[nodiscard]] Expected<void, Error> deploy_rest_apis(ServeClient& client,
                                                     const service::SamProject& project);
[[nodiscard]] Expected<void, Error> teardown_rest_apis(ServeClient& client,
                                                       const service::SamProject& project);

}  // namespace baton::cli
