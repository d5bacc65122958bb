// WorkerCore: reads poll responses and completions, keeps the sticky cache,
// and assembles each result from what the run asks for.
#include "durable/worker_core.h"

#include <utility>
#include <vector>

#include "durable/history.h"
#include "replay/json_fields.h"
#include "replay/run_cache.h"
#include "replay/workflow_run.h"

namespace durable {

using replay::EvictionReason;
using replay::QueryRequest;
using replay::RunStep;
using replay::WorkflowRun;
using replay::WorkflowTask;

namespace {

Json EvictionActivation(const std::string& run_id, EvictionReason reason, const std::string& message) {
  return Json{
      {"runId", run_id},
      {"jobs",
       Json::array({Json{
           {"removeFromCache", {{"reason", replay::EvictionReasonName(reason)}, {"message", message}}}}})}};
}

StatusOr<QueryRequest> ParseQuery(const Json& query, std::string id, const std::string& context) {
  if (!query.is_object()) return InvalidArgument(context + " must be an object");
  StatusOr<std::string> type = replay::RequiredString(query, "queryType", context);
  if (!type.ok()) return type.status();
  QueryRequest request{std::move(id), *type, replay::PayloadListOf(query, "queryArgs"), std::nullopt};
  if (const Json* header = replay::FindField(query, "header")) {
    if (const Json* fields = replay::FindField(*header, "fields")) request.headers = *fields;
  }
  return request;
}

// Reads the events, checking that their IDs run on without gaps.
StatusOr<std::vector<HistoryEvent>> ParseEvents(const Json& poll_response) {
  std::vector<HistoryEvent> events;
  const Json* history = replay::FindField(poll_response, "history");
  if (history == nullptr) return events;
  if (!history->is_object()) return InvalidArgument("pollResponse.history must be an object");
  const Json* list = replay::FindField(*history, "events");
  if (list == nullptr) return events;
  if (!list->is_array()) return InvalidArgument("pollResponse.history.events must be an array");
  for (size_t i = 0; i < list->size(); ++i) {
    StatusOr<HistoryEvent> event = EventFromJson((*list)[i]);
    if (!event.ok()) {
      return InvalidArgument("pollResponse.history.events[" + std::to_string(i) +
                             "]: " + event.status().message());
    }
    if (!events.empty() && event->event_id != events.back().event_id + 1) {
      return InvalidArgument("pollResponse.history.events[" + std::to_string(i) + "] has eventId " +
                             std::to_string(event->event_id) + " but should have " +
                             std::to_string(events.back().event_id + 1));
    }
    events.push_back(std::move(event).value());
  }
  return events;
}

// The poll response as the run needs it; the run ID comes back separately.
StatusOr<WorkflowTask> ParseTask(const Json& poll_response, std::string& run_id) {
  if (!poll_response.is_object()) return InvalidArgument("pollResponse must be an object");
  WorkflowTask task;
  StatusOr<std::string> token = replay::RequiredString(poll_response, "taskToken", "pollResponse");
  if (!token.ok()) return token.status();
  if (token->empty()) return InvalidArgument("pollResponse.taskToken must not be empty");
  task.task_token = *token;
  const Json* execution = replay::FindField(poll_response, "workflowExecution");
  if (execution == nullptr || !execution->is_object()) {
    return InvalidArgument("pollResponse.workflowExecution must be an object with workflowId and runId");
  }
  StatusOr<std::string> id = replay::RequiredString(*execution, "runId", "pollResponse.workflowExecution");
  if (!id.ok()) return id.status();
  if (id->empty()) return InvalidArgument("pollResponse.workflowExecution.runId must not be empty");
  run_id = *id;
  StatusOr<std::string> workflow_id =
      replay::StringOrEmpty(*execution, "workflowId", "pollResponse.workflowExecution");
  if (!workflow_id.ok()) return workflow_id.status();
  task.workflow_id = *workflow_id;

  if (const Json* query = replay::FindField(poll_response, "query")) {
    StatusOr<QueryRequest> legacy =
        ParseQuery(*query, std::string(replay::kLegacyQueryId), "pollResponse.query");
    if (!legacy.ok()) return legacy.status();
    task.is_legacy_query = true;
    task.queries.push_back(std::move(legacy).value());
  }
  if (const Json* queries = replay::FindField(poll_response, "queries")) {
    if (!queries->is_object())
      return InvalidArgument("pollResponse.queries must be an object of queryId to query");
    if (task.is_legacy_query && !queries->empty()) {
      return InvalidArgument("pollResponse holds both query (a query task) and queries (a workflow task's)");
    }
    for (const auto& [query_id, query] : queries->items()) {
      StatusOr<QueryRequest> parsed = ParseQuery(query, query_id, "pollResponse.queries." + query_id);
      if (!parsed.ok()) return parsed.status();
      task.queries.push_back(std::move(parsed).value());
    }
  }

  StatusOr<std::vector<HistoryEvent>> events = ParseEvents(poll_response);
  if (!events.ok()) return events.status();
  task.events = std::move(events).value();
  if (!task.is_legacy_query) {
    std::optional<int64_t> started = replay::OptionalInt64(poll_response, "startedEventId");
    if (!started.has_value() || *started <= 0) {
      return InvalidArgument(
          "pollResponse.startedEventId must be the ID of the task's WorkflowTaskStarted event");
    }
    // A refetched history may run past the task; the task ends at its started event.
    while (!task.events.empty() && task.events.back().event_id > *started) task.events.pop_back();
    if (task.events.empty() || task.events.back().event_id != *started ||
        task.events.back().event_type != EventType::kWorkflowTaskStarted) {
      return InvalidArgument("pollResponse.history must reach the task's WorkflowTaskStarted event " +
                             std::to_string(*started));
    }
  }
  return task;
}

}  // namespace

class WorkerCore::Impl {
 public:
  explicit Impl(const WorkerCoreOptions& options) : cache_(options.max_cached_runs) {
    settings_.identity = options.identity;
    if (!options.sticky_task_queue.empty()) {
      Json queue{{"name", options.sticky_task_queue}, {"kind", "TASK_QUEUE_KIND_STICKY"}};
      if (!options.task_queue.empty()) queue["normalName"] = options.task_queue;
      settings_.sticky_attributes =
          Json{{"workerTaskQueue", queue},
               {"scheduleToStartTimeout", FormatDuration(options.sticky_schedule_to_start_timeout)}};
    }
  }

  StatusOr<Json> HandleWorkflowTask(const Json& poll_response) {
    std::string run_id;
    StatusOr<WorkflowTask> task = ParseTask(poll_response, run_id);
    if (!task.ok()) return task.status();
    const std::vector<HistoryEvent>& events = task->events;
    bool full_history = !events.empty() && events.front().event_id == 1;

    // Decide everything before changing anything, so errors leave the cache as it was.
    WorkflowRun* cached = cache_.Find(run_id);
    bool stale = false;
    if (cached != nullptr) {
      if (cached->HasOutstandingActivation()) {
        return FailedPrecondition("run " + run_id + " still waits for the completion of its activation");
      }
      if (!task->is_legacy_query && events.back().event_id <= cached->last_applied_event_id()) {
        return FailedPrecondition("run " + run_id + " already handled the workflow task started at event " +
                                  std::to_string(events.back().event_id));
      }
      stale = !cached->CanContinueWith(events);
      if (stale && !full_history) {
        return FailedPrecondition("run " + run_id + " is cached up to event " +
                                  std::to_string(cached->last_applied_event_id()) +
                                  ", which this history does not continue; fetch its full history");
      }
    } else if (!full_history) {
      return FailedPrecondition("run " + run_id + " is not cached; fetch its full history");
    }
    bool needs_new_run = cached == nullptr || stale;
    if (needs_new_run && events.front().event_type != EventType::kWorkflowExecutionStarted) {
      return InvalidArgument("pollResponse.history must start with WorkflowExecutionStarted");
    }
    std::optional<std::string> victim;
    if (cached == nullptr && cache_.full()) {
      victim = cache_.EvictionCandidate();
      if (!victim.has_value()) {
        return ResourceExhausted("every cached run waits for an activation's completion; complete one first");
      }
    }

    Json evictions = Json::array();
    if (victim.has_value()) {
      evictions.push_back(
          EvictionActivation(*victim, EvictionReason::kCacheFull,
                             "the cache is full; run " + *victim + " was used least recently"));
      cache_.Erase(*victim);
    }
    if (stale) {
      evictions.push_back(EvictionActivation(
          run_id, EvictionReason::kCacheMiss,
          "the cached state of run " + run_id + " does not fit its history; replaying it from the start"));
      cache_.Erase(run_id);
    }
    WorkflowRun* run = cached;
    if (needs_new_run) {
      run = &cache_.Insert(std::make_unique<WorkflowRun>(run_id, settings_));
    } else {
      cache_.Touch(run_id);
    }
    return Assemble(run_id, run->StartTask(std::move(task).value()), std::move(evictions));
  }

  StatusOr<Json> CompleteActivation(const Json& completion) {
    if (!completion.is_object()) return InvalidArgument("completion must be an object");
    StatusOr<std::string> run_id = replay::RequiredString(completion, "runId", "completion");
    if (!run_id.ok()) return run_id.status();
    WorkflowRun* run = cache_.Find(*run_id);
    if (run == nullptr) return NotFound("run " + *run_id + " is not cached");
    StatusOr<RunStep> step = run->CompleteActivation(completion);
    if (!step.ok()) return step.status();
    cache_.Touch(*run_id);
    return Assemble(*run_id, std::move(step).value(), Json::array());
  }

  Status Evict(std::string_view run_id) {
    if (!cache_.Erase(std::string(run_id))) return NotFound("run " + std::string(run_id) + " is not cached");
    return Status::Ok();
  }

  size_t CachedRunCount() const { return cache_.size(); }

 private:
  Json Assemble(const std::string& run_id, RunStep step, Json evictions) {
    Json result = Json::object();
    if (step.activation.has_value()) result["activation"] = std::move(*step.activation);
    if (step.respond.has_value()) result["respond"] = std::move(*step.respond);
    if (step.evict.has_value()) {
      evictions.push_back(EvictionActivation(run_id, *step.evict, step.evict_message));
      cache_.Erase(run_id);
    }
    result["evictions"] = std::move(evictions);
    return result;
  }

  replay::RunSettings settings_;
  replay::RunCache cache_;
};

StatusOr<std::unique_ptr<WorkerCore>> WorkerCore::Create(const WorkerCoreOptions& options) {
  if (options.max_cached_runs == 0) return InvalidArgument("max_cached_runs must be at least 1");
  if (!options.sticky_task_queue.empty() && options.sticky_schedule_to_start_timeout.count() <= 0) {
    return InvalidArgument("sticky_schedule_to_start_timeout must be positive");
  }
  return std::unique_ptr<WorkerCore>(new WorkerCore(std::make_unique<Impl>(options)));
}

WorkerCore::WorkerCore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WorkerCore::~WorkerCore() = default;

StatusOr<Json> WorkerCore::HandleWorkflowTask(const Json& poll_response) {
  return impl_->HandleWorkflowTask(poll_response);
}

StatusOr<Json> WorkerCore::CompleteActivation(const Json& completion) {
  return impl_->CompleteActivation(completion);
}

Status WorkerCore::Evict(std::string_view run_id) { return impl_->Evict(run_id); }

size_t WorkerCore::CachedRunCount() const { return impl_->CachedRunCount(); }

}  // namespace durable
