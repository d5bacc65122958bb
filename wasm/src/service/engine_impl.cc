#include "service/engine_impl.h"

#include <cstdio>
#include <random>

namespace durable {

Json Reply::ToJson() const {
  if (status.ok()) return {{"callId", call_id}, {"response", response}};
  return {{"callId", call_id},
          {"error", {{"code", std::string(CodeName(status.code()))}, {"message", status.message()}}}};
}

Json Outcome::ToJson() const {
  Json out = {{"batch", batch.ToJson()}, {"replies", Json::array()}};
  for (const Reply& r : replies) out["replies"].push_back(r.ToJson());
  return out;
}

std::string_view EngineVersion() { return DURABLE_VERSION; }

const std::vector<std::string>& Engine::Methods() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, handler] : service::EngineImpl::HandlerTable()) out.push_back(name);
    return out;
  }();
  return names;
}

StatusOr<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options, const StoreSnapshot& restored) {
  if (options.seed > kMaxSeed) {
    return InvalidArgument("seed " + std::to_string(options.seed) + " is above 2^53 - 1: stores hold it as a JSON number, " +
                           "which JavaScript reads exactly only up to there");
  }
  StatusOr<service::DurableState> state = service::LoadState(restored);
  if (!state.ok()) return state.status();
  return std::unique_ptr<Engine>(new service::EngineImpl(options, std::move(*state)));
}

}  // namespace durable

namespace durable::service {
namespace {

uint64_t RandomSeed() {
  const uint64_t seed = ((uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()) & kMaxSeed;
  return seed != 0 ? seed : 1;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

const std::vector<std::pair<std::string, EngineImpl::Handler>>& EngineImpl::HandlerTable() {
  static const std::vector<std::pair<std::string, Handler>> table = {
      {"StartWorkflowExecution", &EngineImpl::StartWorkflowExecution},
      {"SignalWorkflowExecution", &EngineImpl::SignalWorkflowExecution},
      {"SignalWithStartWorkflowExecution", &EngineImpl::SignalWithStartWorkflowExecution},
      {"QueryWorkflow", &EngineImpl::QueryWorkflow},
      {"DescribeWorkflowExecution", &EngineImpl::DescribeWorkflowExecution},
      {"ListWorkflowExecutions", &EngineImpl::ListWorkflowExecutions},
      {"GetWorkflowExecutionHistory", &EngineImpl::GetWorkflowExecutionHistory},
      {"TerminateWorkflowExecution", &EngineImpl::TerminateWorkflowExecution},
      {"RequestCancelWorkflowExecution", &EngineImpl::RequestCancelWorkflowExecution},
      {"PollWorkflowTaskQueue", &EngineImpl::PollWorkflowTaskQueue},
      {"RespondWorkflowTaskCompleted", &EngineImpl::RespondWorkflowTaskCompleted},
      {"RespondWorkflowTaskFailed", &EngineImpl::RespondWorkflowTaskFailed},
      {"RespondQueryTaskCompleted", &EngineImpl::RespondQueryTaskCompleted},
      {"PollActivityTaskQueue", &EngineImpl::PollActivityTaskQueue},
      {"RespondActivityTaskCompleted", &EngineImpl::RespondActivityTaskCompleted},
      {"RespondActivityTaskFailed", &EngineImpl::RespondActivityTaskFailed},
      {"RespondActivityTaskCanceled", &EngineImpl::RespondActivityTaskCanceled},
      {"RecordActivityTaskHeartbeat", &EngineImpl::RecordActivityTaskHeartbeat},
      {"DescribeTaskQueue", &EngineImpl::DescribeTaskQueue},
      {"GetCurrentTime", &EngineImpl::GetCurrentTime},
      {"SkipTime", &EngineImpl::SkipTime},
      {"SkipToNextTimer", &EngineImpl::SkipToNextTimer},
      {"SetAutoTimeSkipping", &EngineImpl::SetAutoTimeSkipping},
  };
  return table;
}

EngineImpl::EngineImpl(const EngineOptions& options, DurableState state)
    : options_(options),
      clock_(options.wall_clock ? *options.wall_clock : SystemWallClock()),
      s_(std::move(state)) {
  if (s_.meta.seed == 0) {
    // A fresh store: the seed is written with the first batch.
    s_.meta.seed = options_.seed != 0 ? options_.seed : RandomSeed();
  } else {
    persisted_meta_ = MetaToJson(s_.meta);
    // A seed above kMaxSeed was stored by an older version and rounded by a
    // JavaScript host, so IDs drawn from it could repeat ones given out
    // before; a new seed is stored with the next identifier drawn.
    if (s_.meta.seed > kMaxSeed) s_.meta.seed = RandomSeed();
  }
  clock_.set_offset(s_.meta.clock_offset);
  now_ = clock_.Now();
  for (const auto& [run_id, run] : s_.runs) Reindex(run_id);
}

// ---- transactions -----------------------------------------------------------

void EngineImpl::Begin() {
  now_ = clock_.Now();
  replies_.clear();
  needs_task_.clear();
  event_error_ = Status::Ok();
  saved_polls_ = polls_;
  saved_queries_ = queries_;
  saved_waits_ = history_waits_;
}

Run& EngineImpl::Mut(const std::string& run_id) {
  Run& run = s_.runs.at(run_id);
  if (!txn_runs_.count(run_id)) {
    txn_runs_.emplace(run_id, run);
    txn_history_.emplace(run_id, s_.history[run_id].size());
  }
  return run;
}

Run& EngineImpl::CreateRun(Run run) {
  const std::string run_id = run.run_id;
  txn_runs_.emplace(run_id, std::nullopt);
  txn_history_.emplace(run_id, 0);
  s_.history[run_id];
  return s_.runs.emplace(run_id, std::move(run)).first->second;
}

Meta& EngineImpl::MutMeta() {
  if (!txn_meta_) txn_meta_ = s_.meta;
  return s_.meta;
}

void EngineImpl::SetCurrent(const std::string& workflow_id, const std::string& run_id) {
  if (!txn_current_.count(workflow_id)) {
    auto it = s_.current.find(workflow_id);
    txn_current_.emplace(workflow_id, it == s_.current.end() ? std::nullopt : std::optional(it->second));
  }
  s_.current[workflow_id] = run_id;
}

std::string EngineImpl::NewUuid() {
  Meta& meta = MutMeta();
  const uint64_t n = ++meta.id_counter;
  const uint64_t hi = SplitMix64(meta.seed ^ (n * 2));
  const uint64_t lo = SplitMix64(meta.seed ^ (n * 2 + 1));
  // Version 4, variant 1 layout, as random UUIDs are.
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xfff),
                static_cast<unsigned>(0x8000 | ((lo >> 48) & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return out;
}

int64_t EngineImpl::NextSeq() { return ++MutMeta().seq; }

void EngineImpl::Reply(CallId id, Json response) { replies_.push_back({id, Status::Ok(), std::move(response)}); }

void EngineImpl::ReplyError(CallId id, Status status) { replies_.push_back({id, std::move(status), Json()}); }

void EngineImpl::Rollback() {
  for (auto& [run_id, original] : txn_runs_) {
    if (original) {
      s_.runs[run_id] = std::move(*original);
      s_.history[run_id].resize(txn_history_[run_id]);
    } else {
      s_.runs.erase(run_id);
      s_.history.erase(run_id);
    }
  }
  for (auto& [workflow_id, original] : txn_current_) {
    if (original) {
      s_.current[workflow_id] = *original;
    } else {
      s_.current.erase(workflow_id);
    }
  }
  if (txn_meta_) s_.meta = *txn_meta_;
  clock_.set_offset(s_.meta.clock_offset);
  polls_ = saved_polls_;
  queries_ = saved_queries_;
  history_waits_ = saved_waits_;
  replies_.clear();
  ReindexTouched();
  txn_runs_.clear();
  txn_history_.clear();
  txn_current_.clear();
  txn_meta_.reset();
}

void EngineImpl::Settle() {
  for (const std::string& run_id : needs_task_) {
    Run& run = Mut(run_id);
    if (run.open() && run.wft.state == WorkflowTask::State::kNone) ScheduleWorkflowTask(run, 1);
  }
  needs_task_.clear();
}

Outcome EngineImpl::Finish() {
  Settle();
  Dispatch();
  if (s_.meta.auto_skip) AutoSkip();
  ExpireWaiters();
  AnswerHistoryWaiters();

  Outcome out;
  for (const auto& [run_id, original] : txn_runs_) {
    auto it = s_.runs.find(run_id);
    if (it == s_.runs.end()) continue;
    PutRun(out.batch, it->second);
    const std::vector<HistoryEvent>& events = s_.history[run_id];
    for (size_t i = txn_history_[run_id]; i < events.size(); ++i) PutEvent(out.batch, run_id, events[i]);
  }
  for (const auto& [workflow_id, original] : txn_current_) PutCurrent(out.batch, workflow_id, s_.current[workflow_id]);
  // The first batch also records the seed; an input that changed nothing
  // leaves a new store empty.
  if (txn_meta_ || (persisted_meta_.is_null() && !out.batch.empty())) {
    Json meta = MetaToJson(s_.meta);
    if (meta != persisted_meta_) {
      PutMeta(out.batch, s_.meta);
      persisted_meta_ = std::move(meta);
    }
  }
  ReindexTouched();
  txn_runs_.clear();
  txn_history_.clear();
  txn_current_.clear();
  txn_meta_.reset();
  out.replies = std::move(replies_);
  replies_.clear();
  return out;
}

Outcome EngineImpl::Call(CallId id, std::string_view method, const Json& request) {
  Begin();
  Status status;
  try {
    const auto& table = HandlerTable();
    auto it = std::find_if(table.begin(), table.end(), [&](const auto& e) { return e.first == method; });
    if (it == table.end()) {
      status = Unimplemented("unknown method \"" + std::string(method) + "\"");
    } else if (!request.is_object()) {
      status = InvalidArgument(std::string(method) + " takes a JSON object");
    } else if (request.dump().size() > options_.max_payload_bytes) {
      status = ResourceExhausted("request of " + std::string(method) + " is larger than the limit of " +
                                 std::to_string(options_.max_payload_bytes) + " bytes");
    } else {
      status = (this->*(it->second))(id, request);
      if (status.ok()) status = event_error_;
    }
    if (status.ok()) return Finish();
  } catch (const Json::exception& e) {
    status = InvalidArgument(std::string("malformed request: ") + e.what());
  } catch (const std::exception& e) {
    status = Internal(std::string("internal error: ") + e.what());
  }
  Rollback();
  Outcome out;
  out.replies.push_back({id, std::move(status), Json()});
  return out;
}

Outcome EngineImpl::Cancel(CallId id) {
  // Only pending calls are affected, none of which is durable state.
  polls_.erase(id);
  history_waits_.erase(id);
  for (auto it = queries_.begin(); it != queries_.end();) {
    it = it->second.call == id ? queries_.erase(it) : std::next(it);
  }
  return {};
}

Outcome EngineImpl::Tick() {
  Begin();
  try {
    ProcessDueRuns();
    return Finish();
  } catch (const std::exception&) {
    // A bug, not a bad request: keep the engine as it was.
    Rollback();
    return {};
  }
}

std::optional<TimePoint> EngineImpl::NextWakeup() const {
  std::optional<TimePoint> next;
  auto consider = [&](TimePoint t) {
    if (!next || t < *next) next = t;
  };
  if (!deadlines_.empty()) consider(deadlines_.begin()->first);
  for (const auto& [id, poll] : polls_) consider(poll.deadline);
  for (const auto& [id, query] : queries_) consider(query.deadline);
  for (const auto& [id, wait] : history_waits_) consider(wait.deadline);
  return next;
}

Json EngineImpl::DumpState() const {
  Json runs = Json::object();
  for (const auto& [run_id, run] : s_.runs) {
    Json history = Json::array();
    for (const HistoryEvent& e : s_.history.at(run_id)) history.push_back(EventToJson(e));
    runs[run_id] = {{"state", RunToJson(run)}, {"history", std::move(history)}};
  }
  Json current = Json::object();
  for (const auto& [workflow_id, run_id] : s_.current) current[workflow_id] = run_id;
  return {{"meta", MetaToJson(s_.meta)}, {"runs", std::move(runs)}, {"current", std::move(current)}};
}

}  // namespace durable::service
