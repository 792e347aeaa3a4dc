#pragma once

// Probes of the gateway: the smallest services that let the protocol layer be tried with real
// clients before the real services of their APIs exist. Registered only when
// ServiceOptions::test_services is set (BATON_TEST_SERVICES=1 in `baton serve`'s environment);
// they keep what they are sent in memory, not in the store.
//
//   s3   PutObject, GetObject (rest-xml; headers, payloads, CRC32 checksums).

#include <memory>
#include <string>
#include <string_view>

#include "core/json.h"
#include "service/core.h"

namespace baton::service::probe {

std::unique_ptr<EmulatedService> make_bucket(Core& core);

}  // namespace baton::service::probe
