// The running system: the shared core and, registered in it, every emulated service.

#include "service/service.h"

#include "service/apigateway/apigateway_service.h"
#include "service/core.h"
#include "service/events/events.h"
#include "service/lambda/lambda.h"
#include "service/probe/probe.h"
#include "service/scheduler/scheduler.h"
#include "service/sns/sns.h"
#include "service/sqs/sqs.h"
#include "service/states/states.h"

namespace baton::service {

Service::Service(std::unique_ptr<store::Store> store, ServiceOptions options, Clock& clock)
    : core_(std::make_unique<Core>(std::move(store), std::move(options), clock)) {
  // Every emulated service, one line each; they recover in this order.
  core_->register_service(states::make(*core_));
  core_->register_service(lambda::make(*core_));
  core_->register_service(sqs::make(*core_));
  core_->register_service(sns::make(*core_));
  core_->register_service(events::make(*core_));
  core_->register_service(scheduler::make(*core_));
  apigateway::register_services(*core_);
  if (core_->options.test_services) core_->register_service(probe::make_bucket(*core_));
}

Service::~Service() { stop(); }

Expected<void, Error> Service::start() { return core_->start(); }

void Service::stop() { core_->stop(); }

void Service::call(std::string_view service, std::string_view operation, json::Value request,
                   Reply reply, std::function<bool()> abandoned) {
  core_->call(service, operation, std::move(request), std::move(reply), std::move(abandoned));
}

void Service::wake() {
  core_->post([] {}, false);
}

bool Service::implements(std::string_view service, std::string_view operation) const {
  return core_->implements(service, operation);
}

bool Service::serves(std::string_view service) const { return core_->serves(service); }

bool Service::degraded() const { return core_->degraded(); }

}  // namespace baton::service
