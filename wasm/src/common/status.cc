#include "durable/status.h"

#include <array>

namespace durable {
namespace {

constexpr std::array<std::pair<Code, std::string_view>, 13> kCodeNames = {{
    {Code::kOk, "OK"},
    {Code::kCancelled, "CANCELLED"},
    {Code::kInvalidArgument, "INVALID_ARGUMENT"},
    {Code::kDeadlineExceeded, "DEADLINE_EXCEEDED"},
    {Code::kNotFound, "NOT_FOUND"},
    {Code::kAlreadyExists, "ALREADY_EXISTS"},
    {Code::kPermissionDenied, "PERMISSION_DENIED"},
    {Code::kResourceExhausted, "RESOURCE_EXHAUSTED"},
    {Code::kFailedPrecondition, "FAILED_PRECONDITION"},
    {Code::kAborted, "ABORTED"},
    {Code::kUnimplemented, "UNIMPLEMENTED"},
    {Code::kInternal, "INTERNAL"},
    {Code::kUnavailable, "UNAVAILABLE"},
}};

}  // namespace

std::string_view CodeName(Code code) {
  for (const auto& [c, name] : kCodeNames) {
    if (c == code) return name;
  }
  return "UNKNOWN";
}

std::optional<Code> CodeFromName(std::string_view name) {
  for (const auto& [c, n] : kCodeNames) {
    if (n == name) return c;
  }
  return std::nullopt;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace durable
