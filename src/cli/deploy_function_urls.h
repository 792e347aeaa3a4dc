#pragma once

// `baton deploy`'s and `baton teardown`'s Lambda function URLs, through baton serve's Lambda API.
// A URL's address depends only on its function and alias, so a deploy again keeps it.

#include "cli/serve_client.h"
#include "core/error.h"
#include "service/sam_template.h"

namespace baton::cli {

// Each function URL created, or updated to what the template says; prints each URL.
[[nodiscard]] Expected<void, Error> deploy_function_urls(ServeClient& client,
                                                         const service::SamProject& project);
[[nodiscard]] Expected<void, Error> teardown_function_urls(ServeClient& client,
                                                           const service::SamProject& project);

}  // namespace baton::cli
