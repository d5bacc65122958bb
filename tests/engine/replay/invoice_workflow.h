// The seed chapter's InvoiceWorkflow as scripted workflow code, answering
// activations the way the Python workflow would:
//
//   await workflow.wait_condition(lambda: self.approved is not None, timeout=timedelta(days=5))
//   for line in invoice.get("lines", []):
//       await workflow.sleep(timedelta(seconds=2))
//       await workflow.execute_activity(payment_gateway, line, start_to_close_timeout=30s, retry_policy=...)
//   return "COMPLETED"
//
// Signals ApproveInvoice / RejectInvoice set `approved`; query "status" reads the progress.
#pragma once

#include <optional>
#include <string>

#include "replay_test_support.h"

namespace durable::replay_test {

class InvoiceWorkflow {
 public:
  Json operator()(const Json& activation) {
    Json commands = Json::array();
    bool approval_timed_out = false;
    bool slept = false;
    bool paid = false;
    for (const Json& job : activation.at("jobs")) {
      const std::string kind = job.begin().key();
      const Json& body = job.begin().value();
      if (kind == "initializeWorkflow") {
        lines_ = Decode(body.at("arguments").at(0)).value("lines", Json::array());
        approval_timer_ = next_timer_++;
        commands.push_back({{"startTimer", {{"seq", approval_timer_}, {"startToFireTimeout", "432000s"}}}});
        phase_ = Phase::kAwaitingApproval;
      } else if (kind == "signalWorkflow") {
        if (body.at("signalName") == "ApproveInvoice") approved_ = true;
        if (body.at("signalName") == "RejectInvoice") approved_ = false;
      } else if (kind == "fireTimer") {
        approval_timed_out |= body.at("seq") == approval_timer_;
        slept |= body.at("seq") == sleep_timer_;
      } else if (kind == "resolveActivity") {
        paid |= body.at("seq") == payment_;
        results_.push_back(body.at("result"));
      } else if (kind == "queryWorkflow") {
        commands.push_back(
            {{"respondToQuery",
              {{"queryId", body.at("queryId")}, {"succeeded", {{"response", Payload(Progress())}}}}}});
      }
    }
    if (phase_ == Phase::kAwaitingApproval && approved_.has_value()) {
      // wait_condition returns: its timeout timer is cancelled.
      commands.push_back({{"cancelTimer", {{"seq", approval_timer_}}}});
      NextLine(commands);
    } else if (phase_ == Phase::kAwaitingApproval && approval_timed_out) {
      commands.push_back(
          {{"failWorkflowExecution", {{"failure", {{"message", "wait_condition timed out"}}}}}});
      phase_ = Phase::kDone;
    } else if (phase_ == Phase::kSleeping && slept) {
      payment_ = next_activity_++;
      commands.push_back(
          {{"scheduleActivity",
            {{"seq", payment_},
             {"activityType", "payment_gateway"},
             {"arguments", {Payload(lines_.at(line_))}},
             {"startToCloseTimeout", "30s"},
             {"retryPolicy",
              {{"initialInterval", "1s"}, {"maximumInterval", "30s"}, {"maximumAttempts", 3}}}}}});
      phase_ = Phase::kPaying;
    } else if (phase_ == Phase::kPaying && paid) {
      ++line_;
      NextLine(commands);
    }
    return commands;
  }

  std::string Progress() const {
    switch (phase_) {
      case Phase::kAwaitingApproval:
        return "AWAITING_APPROVAL";
      case Phase::kDone:
        return "COMPLETED";
      default:
        return "PAYING line " + std::to_string(line_ + 1);
    }
  }
  const std::vector<Json>& activity_results() const { return results_; }

 private:
  enum class Phase { kNotStarted, kAwaitingApproval, kSleeping, kPaying, kDone };

  void NextLine(Json& commands) {
    if (line_ < lines_.size()) {
      sleep_timer_ = next_timer_++;
      commands.push_back({{"startTimer", {{"seq", sleep_timer_}, {"startToFireTimeout", "2s"}}}});
      phase_ = Phase::kSleeping;
    } else {
      commands.push_back({{"completeWorkflowExecution", {{"result", Payload("COMPLETED")}}}});
      phase_ = Phase::kDone;
    }
  }

  Phase phase_ = Phase::kNotStarted;
  Json lines_ = Json::array();
  size_t line_ = 0;
  std::optional<bool> approved_;
  int next_timer_ = 1;
  int next_activity_ = 1;
  int approval_timer_ = 0;
  int sleep_timer_ = 0;
  int payment_ = 0;
  std::vector<Json> results_;
};

inline Json TwoLineInvoice() {
  return Json{
      {"invoice_id", "INV-100"},
      {"lines", {{{"description", "Laptop"}, {"amount", 1500}}, {{"description", "Mouse"}, {"amount", 25}}}}};
}

}  // namespace durable::replay_test
