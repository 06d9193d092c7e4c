#include "config/base/log.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "config/base/json_formatter.hpp"

namespace regscand::log {
namespace {

// ---- redact_url ----

TEST(RedactUrl, UriPassword) {
  EXPECT_EQ(redact_url("postgresql://user:s3cret@db.example:5432/regscan"),
            "postgresql://user:<redacted>@db.example:5432/regscan");
  EXPECT_EQ(redact_url("postgres://u:p%40ss@h/db"), "postgres://u:<redacted>@h/db");
}

TEST(RedactUrl, UriQueryPassword) {
  EXPECT_EQ(redact_url("postgresql://user@h/db?sslmode=require&password=x&application_name=r"),
            "postgresql://user@h/db?sslmode=require&password=<redacted>&application_name=r");
  EXPECT_EQ(redact_url("postgresql://u:a@h/db?password=b"),
            "postgresql://u:<redacted>@h/db?password=<redacted>");
  EXPECT_EQ(redact_url("postgresql:///db?host=/run/pg&sslpassword=k"),
            "postgresql:///db?host=/run/pg&sslpassword=<redacted>");
}

TEST(RedactUrl, UriWithoutSecretsIsUnchanged) {
  for (const char* url : {"postgresql://", "postgresql://h", "postgresql://user@h:5432/db?sslmode=disable",
                          "postgresql:///db", "postgresql://h/db@weird"}) {
    EXPECT_EQ(redact_url(url), url);
  }
}

TEST(RedactUrl, KeywordForm) {
  EXPECT_EQ(redact_url("host=x password=secret user=y"), "host=x password=<redacted> user=y");
  EXPECT_EQ(redact_url("host=x password = secret user=y"), "host=x password = <redacted> user=y");
  EXPECT_EQ(redact_url("password='with space\\' quote' dbname=d"), "password=<redacted> dbname=d");
  EXPECT_EQ(redact_url("user=a PASSWORD=b"), "user=a PASSWORD=<redacted>");
  EXPECT_EQ(redact_url("sslpassword=k host=h"), "sslpassword=<redacted> host=h");
  EXPECT_EQ(redact_url("host=h password="), "host=h password=<redacted>");
  EXPECT_EQ(redact_url("host=h dbname='my db'"), "host=h dbname='my db'");
  EXPECT_EQ(redact_url(""), "");
}

TEST(RedactUrl, KeywordFormNeverLeaksQuotedSecrets) {
  const std::string redacted = redact_url("host=h password='a b c' user=u");
  EXPECT_EQ(redacted.find("a b c"), std::string::npos) << redacted;
  EXPECT_EQ(redacted.find(" b c'"), std::string::npos) << redacted;
  EXPECT_EQ(redacted, "host=h password=<redacted> user=u");
}

// ---- levels and setup ----

TEST(Setup, UnknownLevelIsInvalidArgument) {
  const auto result = setup("verbose", Format::Text);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument);
  EXPECT_NE(result.error().message.find("verbose"), std::string::npos);
}

TEST(Setup, InstallsDefaultLoggerAtLevel) {
  ASSERT_TRUE(setup("warn", Format::Text).has_value());
  EXPECT_EQ(spdlog::default_logger()->name(), "regscand");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::warn);
  ASSERT_TRUE(setup("DEBUG", Format::Json).has_value());
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
  ASSERT_TRUE(setup("info", Format::Text).has_value());
}

TEST(Setup, TextLinesGoToStderr) {
  ASSERT_TRUE(setup("info", Format::Text).has_value());
  ::testing::internal::CaptureStderr();
  spdlog::info("hello {}", 42);
  spdlog::debug("hidden");
  spdlog::default_logger()->flush();
  const std::string output = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(output.find(" [info] hello 42\n"), std::string::npos) << output;
  EXPECT_EQ(output.find("hidden"), std::string::npos);
  EXPECT_TRUE(output.size() > 23 && output[4] == '-' && output[10] == 'T' && output[19] == '.') << output;
}

TEST(Setup, JsonLinesGoToStderr) {
  ASSERT_TRUE(setup("info", Format::Json).has_value());
  ::testing::internal::CaptureStderr();
  spdlog::warn("disk \"{}\" almost full", "/var");
  spdlog::default_logger()->flush();
  const std::string output = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(setup("info", Format::Text).has_value());
  const auto line = nlohmann::json::parse(output, nullptr, false);
  ASSERT_FALSE(line.is_discarded()) << output;
  EXPECT_EQ(line["msg"], "disk \"/var\" almost full");
  EXPECT_EQ(line["level"], "warning");
  EXPECT_EQ(line["logger"], "regscand");
}

TEST(LevelNames, AllDocumentedNamesAreAccepted) {
  for (const char* name : {"trace", "debug", "info", "warn", "error", "critical", "off", "WARN"}) {
    EXPECT_TRUE(is_level_name(name)) << name;
  }
  for (const char* name : {"", "warning", "err", "verbose", "fatal"}) {
    EXPECT_FALSE(is_level_name(name)) << name;
  }
}

// ---- JSON formatter ----

std::string log_json(const std::string& message) {
  std::ostringstream stream;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(stream);
  spdlog::logger logger("json-test", sink);
  logger.set_formatter(std::make_unique<JsonFormatter>());
  logger.info("{}", message);
  return stream.str();
}

TEST(JsonFormatter, OneValidObjectPerLineWithEscapedMessage) {
  const std::string message = "quote \" backslash \\ newline \n tab \t control \x01 unicode é";
  const std::string output = log_json(message);
  ASSERT_FALSE(output.empty());
  EXPECT_EQ(output.back(), '\n');
  EXPECT_EQ(output.find('\n'), output.size() - 1) << "the message newline must be escaped: " << output;
  EXPECT_NE(output.find("\\\""), std::string::npos);
  EXPECT_NE(output.find("\\n"), std::string::npos);
  EXPECT_NE(output.find("\\u0001"), std::string::npos);
  const auto line = nlohmann::json::parse(output, nullptr, false);
  ASSERT_FALSE(line.is_discarded()) << output;
  ASSERT_TRUE(line.is_object());
  EXPECT_EQ(line.size(), 4u);
  EXPECT_EQ(line["msg"], message);
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["logger"], "json-test");
  const std::string ts = line["ts"];
  ASSERT_EQ(ts.size(), 29u) << ts;  // 2024-05-01T12:00:00.123+02:00
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_TRUE(ts[23] == '+' || ts[23] == '-') << ts;
}

TEST(JsonFormatter, InvalidUtf8StillYieldsValidJson) {
  const std::string output = log_json("bad \xff\xfe bytes");
  const auto line = nlohmann::json::parse(output, nullptr, false);
  ASSERT_FALSE(line.is_discarded()) << output;
  EXPECT_NE(line["msg"].get<std::string>().find("bytes"), std::string::npos);
}

}  // namespace
}  // namespace regscand::log
