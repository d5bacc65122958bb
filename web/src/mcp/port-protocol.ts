// The wire between the page (the MCP client) and the MCP server process (a
// Pyodide Web Worker), over one MessagePort: what stdio is between Claude
// Desktop and a server it launched.
//
//   a string  one JSON-RPC message, serialized (either direction)
//   null      the sender closed the connection for good (stdin/stdout closed)
//
// Strings rather than objects so that what the transcript shows is exactly
// what crossed, and a malformed message from either side reaches the other
// side's parser, as bytes on a pipe would.
export type McpPortMessage = string | null;

export const CLOSED: McpPortMessage = null;
