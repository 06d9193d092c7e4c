#include "scanner/layers/layer_pipe.hpp"

#include <algorithm>
#include <thread>

namespace regscand::scanner::layers {

Result<void> LayerPipe::write(std::string_view bytes) {
  while (!bytes.empty()) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return aborted_ || buffer_.size() < capacity_; });
    if (aborted_) {
      refused_ = true;
      return fail(ErrorCode::Unavailable, "layer: the reader stopped");
    }
    const std::size_t n = std::min(bytes.size(), capacity_ - buffer_.size());
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    bytes.remove_prefix(n);
    lock.unlock();
    changed_.notify_all();
  }
  return {};
}

void LayerPipe::close(Result<void> outcome) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) closed_ = std::move(outcome);
  }
  changed_.notify_all();
}

Result<std::size_t> LayerPipe::read(std::span<char> out) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return !buffer_.empty() || closed_.has_value(); });
  if (buffer_.empty()) {
    if (!*closed_) return std::unexpected(closed_->error());
    return 0;
  }
  const std::size_t n = std::min(out.size(), buffer_.size());
  std::copy_n(buffer_.begin(), n, out.begin());
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(n));
  lock.unlock();
  changed_.notify_all();
  return n;
}

void LayerPipe::abort() {
  {
    std::lock_guard lock(mutex_);
    aborted_ = true;
  }
  changed_.notify_all();
}

bool LayerPipe::refused_a_write() {
  std::lock_guard lock(mutex_);
  return refused_;
}

Result<LayerFacts> read_streamed_layer(const BlobProducer& produce, const WantsFn& wants,
                                       const LayerLimits& limits) {
  LayerPipe pipe;
  Result<void> produced;
  std::thread producer([&] {
    try {
      produced = produce(pipe);
    } catch (const std::exception& e) {
      produced = fail(ErrorCode::Internal, std::string("layer: blob producer threw: ") + e.what());
    }
    pipe.close(produced);
  });
  auto facts = read_layer(pipe, wants, limits);
  pipe.abort();
  producer.join();
  if (!produced && !pipe.refused_a_write()) return std::unexpected(produced.error());
  return facts;
}

}  // namespace regscand::scanner::layers
