// The history JSON importer (history.h): any text, in Temporal's spelling or
// the older PascalCase one, is imported or refused with a Status. What it
// accepts must survive a round trip: exported and imported again, as a file
// the site downloads and later uploads, it gives the same events.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "durable/history.h"
#include "fuzz_support.h"

using durable::HistoryEvent;
using durable::fuzz::ExpectNoInternalError;
using durable::fuzz::Fail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  durable::StatusOr<std::vector<HistoryEvent>> imported = durable::ImportHistoryText(text);
  if (!imported.ok()) {
    ExpectNoInternalError(imported.status(), "ImportHistoryText");
    return 0;
  }

  const std::string exported = durable::ExportHistory(*imported).dump();
  durable::StatusOr<std::vector<HistoryEvent>> again = durable::ImportHistoryText(exported);
  if (!again.ok()) Fail("the exported history is refused: " + again.status().ToString() + "\n" + exported);
  if (*again != *imported) {
    Fail("the round trip changed the events\nexported:   " + exported +
         "\nre-exported: " + durable::ExportHistory(*again).dump());
  }
  // The per-event form the engine stores (history.h's EventFromJson contract).
  for (const HistoryEvent& event : *imported) {
    durable::StatusOr<HistoryEvent> decoded = durable::EventFromJson(durable::EventToJson(event));
    if (!decoded.ok() || *decoded != event) {
      Fail("EventFromJson(EventToJson(e)) != e for " + durable::EventToJson(event).dump());
    }
  }
  return 0;
}
