// Bridges the registry client, which pushes a blob into a ByteSink, to the layer walk, which pulls: a
// bounded in-memory buffer (the layer is never held whole) with blocking ends. The producer closes it with
// its outcome; a consumer that stops early aborts it, so the producer's next write fails and it stops.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "scanner/layers/layer_reader.hpp"
#include "scanner/registry/sink.hpp"

namespace regscand::scanner::layers {

class LayerPipe final : public registry::ByteSink, public PullSource {
 public:
  explicit LayerPipe(std::size_t capacity = 1 << 20) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Producer: blocks while the buffer is full; Unavailable once the consumer aborted.
  [[nodiscard]] Result<void> write(std::string_view bytes) override;
  // Producer: no more bytes; an error is what the consumer's next read returns once the buffer is empty.
  void close(Result<void> outcome);

  // Consumer: blocks while empty; 0 at a clean close.
  [[nodiscard]] Result<std::size_t> read(std::span<char> out) override;
  // Consumer: stop; pending and later writes fail.
  void abort();
  // Whether a write failed because of abort(): the producer's error is then the consequence, not a cause.
  bool refused_a_write();

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<char> buffer_;
  std::optional<Result<void>> closed_;
  bool aborted_ = false;
  bool refused_ = false;
};

using BlobProducer = std::function<Result<void>(registry::ByteSink&)>;

// Runs `produce` (e.g. a fetch_blob into the sink) on its own thread and read_layer on the caller's, through
// a LayerPipe. The producer's error (digest mismatch, network) wins over the walk's consequence of it; the
// walk's error (a decompression bomb, a cap) wins over the producer's failure to write once the walk stopped.
[[nodiscard]] Result<LayerFacts> read_streamed_layer(const BlobProducer& produce, const WantsFn& wants,
                                                     const LayerLimits& limits = {});

}  // namespace regscand::scanner::layers
