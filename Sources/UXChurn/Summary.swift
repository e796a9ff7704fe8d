import LogParsing
import Reports

/// The `summary.json` document (SPEC.md §5), built from the stages' results.
public enum SummaryDocument {
    public static let schema = 1

    public static func build(ingest: IngestResult) -> JSONValue {
        var members: [(String, JSONValue)] = [("schema", .int(schema))]
        members.append(("period", .object([
            ("from", ingest.earliest.map { .string($0.iso8601) } ?? .null),
            ("to", ingest.latest.map { .string($0.iso8601) } ?? .null),
        ])))
        members.append(("input", input(ingest)))
        return .object(members)
    }

    static func input(_ ingest: IngestResult) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("files", .array(ingest.files.map { .string($0) })),
            ("format", .string(ingest.format)),
        ]
        if let formats = ingest.differingFormats {
            members.append(("formats", .object(formats.map { ($0.file, .string($0.format)) })))
        }
        let classes = ingest.classes
        members += [
            ("lines", .int(ingest.lines)),
            ("parsed", .int(ingest.parsed)),
            ("skipped", .int(ingest.skipped)),
            ("skipped_samples", .array(ingest.skippedSamples.map { sample in
                .object([("file", .string(sample.file)), ("line", .int(sample.line)), ("text", .string(sample.text))])
            })),
            ("invalid_requests", .int(classes.invalidRequests)),
            ("bot_requests", .int(classes.botRequests)),
            ("asset_requests", .int(classes.assetRequests)),
            ("ignored_requests", .int(classes.ignoredRequests)),
            ("dropped_requests", .int(classes.droppedRequests)),
            ("page_views", .int(classes.pageViews)),
            ("actions", .int(classes.actions)),
        ]
        if !ingest.faults.isEmpty {
            members.append(("faults", .array(ingest.faults.map { .string($0.description) })))
        }
        return .object(members)
    }
}
