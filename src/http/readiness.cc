#include "http/readiness.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <vector>

namespace konfid::http {

namespace asio = boost::asio;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;

struct ReadinessCheck::Flight {
  bool done = false;
  Status result = Ok();
  std::vector<std::function<void()>> waiters;  // called (under ReadinessCheck::mu_) when done
};

ReadinessCheck::~ReadinessCheck() {
  if (thread_.joinable()) thread_.join();
}

Status ReadinessCheck::Check(std::chrono::milliseconds timeout, Yield yield) {
  auto timer = std::make_shared<Timer>(yield.get_executor());
  timer->expires_after(timeout);
  std::shared_ptr<Flight> flight;
  {
    std::lock_guard lock(mu_);
    if (!flight_ || flight_->done) {
      if (thread_.joinable()) thread_.join();  // done: returns at once
      flight_ = std::make_shared<Flight>();
      thread_ = std::thread([this, f = flight_] {
        Status result = storage_.CheckSchema();
        std::lock_guard lock(mu_);
        f->result = std::move(result);
        f->done = true;
        for (auto& wake : f->waiters) wake();
        f->waiters.clear();
      });
    }
    flight = flight_;
    flight->waiters.push_back(
        [timer] { asio::post(timer->get_executor(), [timer] { timer->cancel(); }); });
  }
  boost::system::error_code ec;
  timer->async_wait(yield[ec]);  // cancelled when the check is done, else the deadline
  std::lock_guard lock(mu_);
  if (flight->done) return flight->result;
  return Fail(ErrorCode::kUnavailable,
              "storage did not answer within " + std::to_string(timeout.count()) + " ms",
              "readiness check timed out");
}

}  // namespace konfid::http
