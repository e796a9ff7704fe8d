import LogParsing
import FuzzSupport

/// libFuzzer's entry point: the bytes as one log line, parsed and classified under every preset
/// (and, when it does not parse, diagnosed; the hand-written scanner checked against the step
/// loop), and, when they hold a line break, the first line as
/// a custom format string or a W3C `#Fields:` directive and the rest as a line of it. Any trap
/// is a finding. `.ci/fuzz.sh` builds it with libFuzzer.
/// One classifier per preset, in preset order, made once (its regexes compile once).
nonisolated(unsafe) var classifiers: [Classifier?] = LogFormat.presets.map {
    try? Classifier(format: $0, ignorePatterns: ["^/api/", "^/p/([a-z0-9]+-?)+$"], extraBotTokens: ["scanner"])
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzLineParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    var fields = ParsedLine()
    for (index, format) in LogFormat.presets.enumerated() {
        // Fresh fields for each format: a parse sets only its format's fields, and the two
        // parsers' fields are compared below.
        fields = ParsedLine()
        var line = bytes
        let parser = LineParser(format: format)
        let parsed = line.withUnsafeMutableBytes { raw in
            guard parser.parse(raw, into: &fields), index < classifiers.count else { return false }
            _ = classifiers[index]?.classify(UnsafeRawBufferPointer(raw), fields)
            return true
        }
        if !parsed { _ = parser.diagnose(bytes) }
        // The hand-written scanner of `combined`'s and `common`'s fields reads as the step loop does.
        var generic = bytes
        var genericFields = ParsedLine()
        let genericParsed = generic.withUnsafeMutableBytes { LineParser(format: format, specialised: false).parse($0, into: &genericFields) }
        if genericParsed != parsed || (parsed && (genericFields != fields || generic != line)) {
            preconditionFailure("\(format.name): the scanner and the step loop disagree")
        }
    }
    // The first line as a format string (Apache `%` or nginx `$`), the rest as a line of it;
    // for the W3C formats, the first line as a `#Fields:` directive.
    if let newline = bytes.firstIndex(of: 0x0A) {
        for format in [LogFormat.w3c, .cloudfront] {
            let parser = LineParser(format: format)
            Array(bytes[..<newline]).withUnsafeBytes { parser.directive($0) }
            var line = Array(bytes[(newline + 1)...])
            _ = line.withUnsafeMutableBytes { parser.parse($0, into: &fields) }
            _ = parser.diagnose(Array(bytes[(newline + 1)...]))
        }
        let text = String(decoding: bytes[..<newline], as: UTF8.self)
        if let format = try? LogFormat.named(text) {
            var line = Array(bytes[(newline + 1)...])
            var generic = line
            var genericFields = ParsedLine()
            fields = ParsedLine()
            let parsed = line.withUnsafeMutableBytes { LineParser(format: format).parse($0, into: &fields) }
            let genericParsed = generic.withUnsafeMutableBytes { LineParser(format: format, specialised: false).parse($0, into: &genericFields) }
            if genericParsed != parsed || (parsed && (genericFields != fields || generic != line)) {
                preconditionFailure("\(format.source): the scanner and the step loop disagree")
            }
        }
    }
    return 0
}

@main
enum FuzzTarget {
    static func main() {
        runFuzzTarget { data, size in fuzzLineParser(data, size) }
    }
}
