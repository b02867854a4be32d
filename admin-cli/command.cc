#include "admin-cli/command.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/units.h"

namespace ingest::admin {

int PrintJson(const google::protobuf::Message& message, CommandContext& context) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    context.err << "ingest-admin: cannot render the answer as JSON: " << status.ToString() << "\n";
    return kExitFailed;
  }
  context.out << json << "\n";
  return kExitOk;
}

int ReportRpcError(const std::string& rpc, const absl::Status& status, absl::Duration timeout,
                   CommandContext& context) {
  std::string hint;
  switch (status.code()) {
    case absl::StatusCode::kDeadlineExceeded:
      hint = absl::StrCat("no answer within ", ingest::DurationText(timeout), ": pass a longer --timeout");
      break;
    case absl::StatusCode::kUnimplemented:
      hint = absl::StrCat("is ", context.options.target,
                          " the admin listener (--admin-listen) of an ingest-server this new?");
      break;
    case absl::StatusCode::kUnavailable:
      hint = "the server could not answer now: try again shortly";
      break;
    default:
      break;
  }
  context.err << "ingest-admin: " << rpc << " at " << context.options.target
              << " failed: " << absl::StatusCodeToString(status.code()) << ": " << status.message();
  if (!hint.empty()) context.err << " (" << hint << ")";
  context.err << "\n";
  return kExitFailed;
}

namespace {

// A --limit: a whole number from 1 to `max`.
CLI::Validator ListLimit(uint32_t max) {
  return CLI::Validator(
      [max](std::string& text) -> std::string {
        uint32_t n = 0;
        if (absl::SimpleAtoi(text, &n) && n >= 1 && n <= max) return "";
        return absl::StrCat("must be a whole number from 1 to ", max, ", got '", text, "'");
      },
      "1.." + std::to_string(max));
}

}  // namespace

std::shared_ptr<uint32_t> AddLimitOption(CLI::App* app, uint32_t default_limit, uint32_t max,
                                         const std::string& what) {
  auto limit = std::make_shared<uint32_t>(default_limit);
  app->add_option("--limit", *limit, "How many " + what + " to list")
      ->check(ListLimit(max))
      ->capture_default_str();
  return limit;
}

CLI::Option* AddDurationOption(CLI::App* app, const std::string& name, absl::Duration* value,
                               const std::string& description) {
  auto parse = [name, value](const std::string& text) {
    absl::StatusOr<absl::Duration> parsed = ParseDuration(text);
    if (!parsed.ok()) throw CLI::ValidationError(name, std::string(parsed.status().message()));
    if (*parsed <= absl::ZeroDuration()) {
      throw CLI::ValidationError(name, absl::StrCat("must be more than 0, got '", text, "'"));
    }
    *value = *parsed;
  };
  return app->add_option_function<std::string>(name, parse, description)
      ->type_name("DURATION")
      ->default_str(ingest::DurationText(*value));
}

}  // namespace ingest::admin
