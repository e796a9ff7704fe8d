@testable import LogParsing

/// Parses `line` with `format`; returns the fields and the line's (decoded) bytes.
func parse(_ line: String, _ format: LogFormat) -> (fields: ParsedLine, bytes: [UInt8])? {
    let parser = LineParser(format: format)
    var bytes = Array(line.utf8)
    var fields = ParsedLine()
    let ok = bytes.withUnsafeMutableBytes { parser.parse($0, into: &fields) }
    return ok ? (fields, bytes) : nil
}

func text(_ range: FieldRange, _ bytes: [UInt8]) -> String {
    String(decoding: bytes[Int(range.start)..<Int(range.end)], as: UTF8.self)
}

func classify(_ line: String, _ format: LogFormat = .combined, ignore: [String] = ["^/api/"], bots: [String] = []) throws -> HitClass? {
    var classifier = try Classifier(format: format, ignorePatterns: ignore, extraBotTokens: bots)
    guard let (fields, bytes) = parse(line, format) else { return nil }
    return bytes.withUnsafeBytes { classifier.classify($0, fields) }
}
