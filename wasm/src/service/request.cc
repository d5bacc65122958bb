#include "service/request.h"

#include "durable/history.h"

namespace durable::service {
namespace {

const Json* Field(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Status GetString(const Json& obj, const char* key, std::string& out, bool required) {
  const Json* f = Field(obj, key);
  if (!f) {
    if (required) return InvalidArgument(std::string(key) + " is required");
    out.clear();
    return Status::Ok();
  }
  if (!f->is_string()) return InvalidArgument(std::string(key) + " must be a string");
  out = f->get<std::string>();
  if (required && out.empty()) return InvalidArgument(std::string(key) + " is required");
  return Status::Ok();
}

Status GetName(const Json& obj, const char* key, std::string& out, bool required) {
  const Json* f = Field(obj, key);
  if (!f) {
    if (required) return InvalidArgument(std::string(key) + ".name is required");
    out.clear();
    return Status::Ok();
  }
  if (!f->is_object()) return InvalidArgument(std::string(key) + " must be an object with a name");
  Status s = GetString(*f, "name", out, required);
  if (!s.ok()) return InvalidArgument(std::string(key) + "." + s.message());
  return Status::Ok();
}

Status GetDuration(const Json& obj, const char* key, Duration& out) {
  out = Duration(0);
  const Json* f = Field(obj, key);
  if (!f) return Status::Ok();
  if (!f->is_string()) return InvalidArgument(std::string(key) + " must be a duration string such as \"10s\"");
  StatusOr<Duration> d = ParseDuration(f->get<std::string>());
  if (!d.ok()) return InvalidArgument(std::string(key) + ": " + d.status().message());
  if (d->count() < 0) return InvalidArgument(std::string(key) + " cannot be negative");
  out = *d;
  return Status::Ok();
}

Status GetBool(const Json& obj, const char* key, bool& out) {
  out = false;
  const Json* f = Field(obj, key);
  if (!f) return Status::Ok();
  if (!f->is_boolean()) return InvalidArgument(std::string(key) + " must be true or false");
  out = f->get<bool>();
  return Status::Ok();
}

Status GetInt(const Json& obj, const char* key, int64_t& out) {
  out = 0;
  const Json* f = Field(obj, key);
  if (!f) return Status::Ok();
  // proto3 JSON writes 64-bit integers as strings; accept both.
  if (f->is_number_integer()) {
    out = f->get<int64_t>();
    return Status::Ok();
  }
  if (f->is_string()) {
    const std::string& s = f->get_ref<const std::string&>();
    try {
      size_t used = 0;
      out = std::stoll(s, &used);
      if (used == s.size()) return Status::Ok();
    } catch (const std::exception&) {
    }
  }
  return InvalidArgument(std::string(key) + " must be an integer");
}

StatusOr<const Json*> GetObject(const Json& obj, const char* key, bool required) {
  static const Json kNull;
  const Json* f = Field(obj, key);
  if (!f) {
    if (required) return InvalidArgument(std::string(key) + " is required");
    return &kNull;
  }
  if (!f->is_object()) return InvalidArgument(std::string(key) + " must be an object");
  return f;
}

StatusOr<Json> GetOptional(const Json& obj, const char* key) {
  StatusOr<const Json*> f = GetObject(obj, key);
  if (!f.ok()) return f.status();
  return **f;
}

}  // namespace durable::service
