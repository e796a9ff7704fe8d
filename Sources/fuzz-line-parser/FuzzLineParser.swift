import LogParsing
import FuzzSupport

/// libFuzzer's entry point: the bytes as one log line, parsed and classified under every preset,
/// and, when they hold a line break, the first line as a custom format string and the rest as a
/// line of it. Any trap is a finding. `.ci/fuzz.sh` builds it with libFuzzer.
/// One classifier per preset, in preset order, made once (its regexes compile once).
nonisolated(unsafe) var classifiers: [Classifier?] = LogFormat.presets.map {
    try? Classifier(format: $0, ignorePatterns: ["^/api/", "^/p/([a-z0-9]+-?)+$"], extraBotTokens: ["scanner"])
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzLineParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    var fields = ParsedLine()
    for (index, format) in LogFormat.presets.enumerated() {
        var line = bytes
        line.withUnsafeMutableBytes { raw in
            guard LineParser(format: format).parse(raw, into: &fields), index < classifiers.count else { return }
            _ = classifiers[index]?.classify(UnsafeRawBufferPointer(raw), fields)
        }
    }
    // The first line as a format string (Apache `%` or nginx `$`), the rest as a line of it.
    if let newline = bytes.firstIndex(of: 0x0A) {
        let text = String(decoding: bytes[..<newline], as: UTF8.self)
        if let format = try? LogFormat.named(text) {
            var line = Array(bytes[(newline + 1)...])
            _ = line.withUnsafeMutableBytes { LineParser(format: format).parse($0, into: &fields) }
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
