#include "service/arn.h"

#include <vector>

#include "core/crypto.h"

namespace baton::service {

std::string Partition::state_machine_arn(std::string_view name) const {
  return "arn:aws:states:" + region + ":" + account + ":stateMachine:" + std::string(name);
}

std::string Partition::execution_arn(std::string_view machine, std::string_view execution) const {
  return "arn:aws:states:" + region + ":" + account + ":execution:" + std::string(machine) + ":" +
         std::string(execution);
}

std::string Partition::express_execution_arn(std::string_view machine, std::string_view execution,
                                             std::string_view id) const {
  return "arn:aws:states:" + region + ":" + account + ":express:" + std::string(machine) + ":" +
         std::string(execution) + ":" + std::string(id);
}

std::string Partition::activity_arn(std::string_view name) const {
  return "arn:aws:states:" + region + ":" + account + ":activity:" + std::string(name);
}

std::optional<ParsedArn> parse_arn(std::string_view arn) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  // Split on the first 6 colons; the rest holds names and qualifiers.
  while (parts.size() < 6) {
    std::size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) break;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts.size() != 6 || parts[0] != "arn" || !parts[1].starts_with("aws") ||
      parts[2] != "states" || parts[3].empty() || parts[4].empty()) {
    return std::nullopt;
  }
  ParsedArn p;
  p.region = std::string(parts[3]);
  p.account = std::string(parts[4]);
  p.type = std::string(parts[5]);
  std::string_view rest = arn.substr(start);
  if (rest.empty()) return std::nullopt;
  if (p.type == "stateMachine") {
    auto hash = rest.find('#');
    if (hash != std::string_view::npos) {
      p.test_case = std::string(rest.substr(hash + 1));
      rest = rest.substr(0, hash);
    }
  }
  auto colon = rest.find(':');
  p.name = std::string(rest.substr(0, colon));
  if (colon != std::string_view::npos) {
    std::string_view after = rest.substr(colon + 1);
    auto second = after.find(':');
    p.qualifier = std::string(after.substr(0, second));
    if (second != std::string_view::npos) p.rest = std::string(after.substr(second + 1));
  }
  if (p.name.empty()) return std::nullopt;
  return p;
}

std::string invalid_arn_message(std::string_view arn) {
  if (!arn.starts_with("arn:"))
    return "Invalid Arn: 'Invalid ARN prefix: " + std::string(arn) + "'";
  return "Invalid Arn: '" + std::string(arn) + "'";
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 80) return false;
  for (unsigned char c : name) {
    if (c <= 0x20 || c == 0x7f) return false;
    if (std::string_view("<>{}[]?*\"#%\\^|~`$&,;:/").find(static_cast<char>(c)) !=
        std::string_view::npos) {
      return false;
    }
  }
  // U+0080-U+009F (C1 controls), as UTF-8: C2 80 - C2 9F.
  for (std::size_t i = 0; i + 1 < name.size(); ++i) {
    if (static_cast<unsigned char>(name[i]) == 0xC2 &&
        static_cast<unsigned char>(name[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(name[i + 1]) <= 0x9F) {
      return false;
    }
  }
  return true;
}

bool valid_role_arn(std::string_view arn) {
  return arn.starts_with("arn:aws") && arn.find(":iam::") != std::string_view::npos &&
         arn.find(":role/") != std::string_view::npos && arn.size() <= 256;
}

std::string queue_url(std::string_view queue_arn) {
  // arn:PARTITION:sqs:REGION:ACCOUNT:NAME
  std::string_view field[5];
  std::size_t start = 0;
  for (std::string_view& f : field) {
    std::size_t colon = queue_arn.find(':', start);
    if (colon == std::string_view::npos) return std::string(queue_arn);
    f = queue_arn.substr(start, colon - start);
    start = colon + 1;
  }
  return "https://sqs." + std::string(field[3]) + ".amazonaws.com/" + std::string(field[4]) + "/" +
         std::string(queue_arn.substr(start));
}

std::string arn_suffix_id(std::string_view arn_prefix) {
  std::string hex = crypto::hex_digest(crypto::Digest::SHA256, arn_prefix).substr(0, 32);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

}  // namespace baton::service
