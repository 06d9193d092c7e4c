// LayerPipe and read_streamed_layer: a layer pushed in small writes arrives whole through a buffer much
// smaller than it; a producer failure (digest mismatch) is the reported error; a reader that fails early
// stops the producer instead of leaving it blocked, and its error is the one reported.
#include "scanner/layers/layer_pipe.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "tests/support/oci_image.hpp"

namespace regscand::scanner::layers {
namespace {

const WantsFn kAll = [](std::string_view) { return true; };

testing::TarEntry file(std::string path, std::string content) {
  return {testing::TarEntry::Type::File, std::move(path), std::move(content), "", 0644};
}

BlobProducer push_in_chunks(std::string bytes, std::size_t chunk) {
  return [bytes = std::move(bytes), chunk](registry::ByteSink& sink) -> Result<void> {
    for (std::size_t i = 0; i < bytes.size(); i += chunk) {
      if (auto ok = sink.write(std::string_view(bytes).substr(i, chunk)); !ok) return ok;
    }
    return {};
  };
}

TEST(LayerPipe, ALayerLargerThanTheBufferStreamsThrough) {
  const std::string big(3 << 20, 'y');
  const auto layer = testing::gzip_bytes(
      testing::make_tar({file("etc/a", "alpha"), file("data/big", big), file("etc/z", "omega")}));
  auto facts = read_streamed_layer(push_in_chunks(layer, 777),
                                   [](std::string_view p) { return p.starts_with("etc/"); });
  ASSERT_TRUE(facts) << facts.error().message;
  EXPECT_EQ(*facts->files.find("etc/a"), "alpha");
  EXPECT_EQ(*facts->files.find("etc/z"), "omega");
  EXPECT_EQ(facts->compressed_bytes, layer.size());
}

TEST(LayerPipe, TheProducersErrorWins) {
  const auto layer = testing::make_tar({file("etc/a", std::string(100000, 'a'))});
  auto facts = read_streamed_layer(
      [&](registry::ByteSink& sink) -> Result<void> {
        if (auto ok = sink.write(std::string_view(layer).substr(0, 5000)); !ok) return ok;
        return fail(ErrorCode::FailedPrecondition, "blob: digest mismatch");
      },
      kAll);
  ASSERT_FALSE(facts);
  EXPECT_EQ(facts.error().message, "blob: digest mismatch");
}

TEST(LayerPipe, AFailingReaderStopsTheProducer) {
  std::atomic<std::size_t> written{0};
  LayerLimits limits;
  limits.max_entries = 1;
  const auto layer =
      testing::make_tar({file("a", "1"), file("b", "2"), file("c", std::string(4 << 20, 'c'))});
  auto facts = read_streamed_layer(
      [&](registry::ByteSink& sink) -> Result<void> {
        for (int round = 0; round < 1000; ++round) {  // far more than the reader will take
          if (auto ok = sink.write(layer); !ok) return ok;
          written += layer.size();
        }
        return {};
      },
      kAll, limits);
  ASSERT_FALSE(facts);
  EXPECT_NE(facts.error().message.find("max_entries"), std::string::npos);
  EXPECT_LT(written.load(), 10 * layer.size());
}

// The registry client prefixes the refused write's error with the blob's name: the walk's own error (here
// a cap, permanent) is still the one reported, with its code.
TEST(LayerPipe, TheReadersErrorWinsOverAPrefixedRefusedWrite) {
  LayerLimits limits;
  limits.max_entries = 1;
  const auto layer =
      testing::make_tar({file("a", "1"), file("b", "2"), file("c", std::string(4 << 20, 'c'))});
  auto facts = read_streamed_layer(
      [&](registry::ByteSink& sink) -> Result<void> {
        for (std::size_t i = 0; i < layer.size(); i += 4096) {
          if (auto ok = sink.write(std::string_view(layer).substr(i, 4096)); !ok) {
            return fail(ok.error().code, "registry local: blob app@sha256:00: " + ok.error().message);
          }
        }
        return {};
      },
      kAll, limits);
  ASSERT_FALSE(facts);
  EXPECT_EQ(facts.error().code, ErrorCode::ResourceExhausted) << facts.error().message;
  EXPECT_NE(facts.error().message.find("max_entries"), std::string::npos) << facts.error().message;
}

TEST(LayerPipe, CloseWithErrorAfterTheBufferDrains) {
  LayerPipe pipe(8);
  ASSERT_TRUE(pipe.write("abc"));
  pipe.close(fail(ErrorCode::Unavailable, "connection reset"));
  char out[16];
  auto first = pipe.read(out);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 3u);
  auto second = pipe.read(out);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message, "connection reset");
  pipe.abort();
  EXPECT_FALSE(pipe.write("more"));
}

}  // namespace
}  // namespace regscand::scanner::layers
