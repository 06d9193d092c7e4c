// The only include of Asio and Beast. Boost 1.74's awaitable.hpp uses std::exchange without
// <utility>, so <utility> must come first; run_blocking moves blocking work off I/O threads.
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <type_traits>

namespace regscand {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

// Runs f() on `pool` and resumes the caller on its own executor; exceptions reach the caller.
// `f` is taken by reference (the caller's temporary lives until the co_await completes) and only a
// pointer crosses into the inner coroutine: g++ 12 destroys callables with non-trivial destructors
// twice when they travel through coroutine parameters or lambda captures there.
template <class F>
net::awaitable<std::invoke_result_t<F&>> run_blocking(net::thread_pool& pool, F&& f) {
  using R = std::invoke_result_t<F&>;
  auto* callable = &f;
  co_return co_await net::co_spawn(
      pool, [callable]() -> net::awaitable<R> { co_return (*callable)(); }, net::use_awaitable);
}

}  // namespace regscand
