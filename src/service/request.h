#pragma once

// Reading an operation's request value with AWS's validation errors, and the paging every
// List operation shares. For the files of service/.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/json.h"
#include "service/service.h"
#include "store/store.h"

namespace baton::service {

class Core;

// Request fields, read with AWS's validation errors. Borrows the request value: it lives as
// long as the operation runs.
class Request {
 public:
  explicit Request(const json::Value& body, std::function<bool()> abandoned = {})
      : body_(body), abandoned_(std::move(abandoned)) {}
  const json::Value& body() const { return body_; }
  // Whether the caller has gone away (its connection closed).
  const std::function<bool()>& abandoned() const { return abandoned_; }

  // A string field; absent -> nullopt (or ValidationException when required).
  [[nodiscard]] Result<std::optional<std::string>> string(std::string_view field,
                                                          bool required = false) const;
  [[nodiscard]] Result<std::string> required(std::string_view field) const;
  [[nodiscard]] Result<std::optional<bool>> boolean(std::string_view field) const;
  [[nodiscard]] Result<std::optional<std::int64_t>> integer(std::string_view field) const;
  const json::Value* field(std::string_view name) const { return body_.find(name); }

 private:
  const json::Value& body_;
  std::function<bool()> abandoned_;
};

// Milliseconds as the epoch seconds AWS's JSON protocols show.
json::Value epoch(std::int64_t ms);
// nextToken and maxResults: the token of a page that ends at `key`, the key a token names
// (InvalidToken when it names none), and the page size asked for (100 when none).
std::string page_token(const std::string& key);
Result<std::string> page_key(const Request& r);
std::size_t page_limit(const Request& r);

// Answers one page of the resources of `kind` under `parent` (nextToken, maxResults), as
// {list_name: [item(resource)...], nextToken}.
void answer_resource_page(Core& core, store::Kind kind, const std::string& parent, const Request& r,
                          std::string_view list_name,
                          const std::function<json::Value(const store::Resource&)>& item,
                          const Reply& reply);

}  // namespace baton::service
