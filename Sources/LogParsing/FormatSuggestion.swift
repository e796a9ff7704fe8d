/// The `-f` string that would read a line no preset reads, built from the line's own fields:
/// the usual parts (address, `[time]`, `"request"`, status, bytes, quoted referrer and agent,
/// numbers) in whatever order the server wrote them.
public enum FormatSuggestion {
    enum Token {
        case bare(ArraySlice<UInt8>)
        case bracketed(ArraySlice<UInt8>)
        case quoted(ArraySlice<UInt8>)
    }

    /// An Apache `LogFormat` string that parses `line` and reads its time, request and status;
    /// nil when the line lacks them or is not made of space-separated fields.
    public static func suggest(for line: [UInt8], timeZone: TimeZoneRule? = nil) -> String? {
        guard let tokens = tokenize(line), tokens.count >= 3 else { return nil }
        var parts: [String] = []
        var seen = Set<String>()
        func take(_ directive: String) -> String {
            seen.insert(directive)
            return directive
        }
        for (index, token) in tokens.enumerated() {
            switch token {
            case let .bracketed(text):
                var cache = DayCache()
                let isTime = text.withUnsafeBytes { raw in
                    raw.baseAddress.map { p in
                        TimestampParser.parseCommonLog(p, count: text.count, cache: &cache) != nil
                            || TimestampParser.parseCommonLogLocal(p, count: text.count, zone: .utc, cache: &cache) != nil
                    } ?? false
                }
                parts.append(isTime && !seen.contains("%t") ? take("%t") : "[%{X-Bracketed-\(index)}i]")
            case let .quoted(text):
                if !seen.contains("%r"), isRequest(text) {
                    parts.append("\"" + take("%r") + "\"")
                } else if seen.contains("%r"), !seen.contains("%{Referer}i"), text.elementsEqual("-".utf8) || text.starts(with: "http".utf8) {
                    parts.append("\"" + take("%{Referer}i") + "\"")
                } else if seen.contains("%r"), !seen.contains("%{User-Agent}i"), text.contains(ASCII.slash) || text.elementsEqual("-".utf8) {
                    parts.append("\"" + take("%{User-Agent}i") + "\"")
                } else {
                    parts.append("\"%{X-Field-\(index)}i\"")
                }
            case let .bare(text):
                let digits = !text.isEmpty && text.allSatisfy(ASCII.isDigit)
                if index == 0 {
                    parts.append(take("%h"))
                } else if seen.contains("%r"), !seen.contains("%>s"), text.count == 3, digits {
                    parts.append(take("%>s"))
                } else if seen.contains("%>s"), !seen.contains("%b"), digits || text.elementsEqual("-".utf8) {
                    parts.append(take("%b"))
                } else if index == tokens.count - 1, isSecondsWithMillis(text) {
                    parts.append("%{ms}T-as-seconds")
                } else if index == tokens.count - 1, digits, seen.contains("%b") {
                    parts.append(take("%D"))
                } else {
                    parts.append("%l")
                }
            }
        }
        guard seen.contains("%t"), seen.contains("%r"), seen.contains("%>s") else { return nil }
        var apache = parts.joined(separator: " ")
        // A last field of seconds with milliseconds is nginx's `$request_time`: written in nginx's syntax.
        if apache.hasSuffix("%{ms}T-as-seconds") {
            apache = String(apache.dropLast("%{ms}T-as-seconds".count))
            return verified(nginx(from: apache) + "$request_time", line, timeZone)
        }
        return verified(apache, line, timeZone)
    }

    private static func verified(_ format: String, _ line: [UInt8], _ zone: TimeZoneRule?) -> String? {
        guard let compiled = try? LogFormat.named(format) else { return nil }
        var copy = line
        var fields = ParsedLine()
        return copy.withUnsafeMutableBytes({ LineParser(format: compiled, timeZone: zone ?? .utc).parse($0, into: &fields) }) ? format : nil
    }

    /// The Apache directives as nginx variables, for a format that ends in `$request_time`.
    private static func nginx(from apache: String) -> String {
        var text = apache
        for (from, to) in [("%h", "$remote_addr"), ("%l", "$remote_user"), ("%t", "[$time_local]"), ("%r", "$request"),
                           ("%>s", "$status"), ("%b", "$body_bytes_sent"), ("%{Referer}i", "$http_referer"),
                           ("%{User-Agent}i", "$http_user_agent"), ("%D", "$upstream_response_time")] {
            text = text.replacing(from, with: to)
        }
        // Other `%{X-…}i` fields: any variable name reads as an opaque field.
        while let start = text.firstRange(of: "%{X-") {
            guard let close = text[start.upperBound...].firstIndex(of: "}") else { break }
            let name = text[start.upperBound..<close].lowercased().replacing("-", with: "_")
            let after = text.index(after: close)
            let end = after < text.endIndex && text[after] == "i" ? text.index(after: after) : after
            text.replaceSubrange(start.lowerBound..<end, with: "$x_" + name)
        }
        return text
    }

    /// `GET /p HTTP/1.1`.
    private static func isRequest(_ text: ArraySlice<UInt8>) -> Bool {
        let words = text.split(separator: ASCII.space)
        guard words.count == 3, let method = words.first, method.allSatisfy(ASCII.isUpper) else { return false }
        return words[2].starts(with: "HTTP/".utf8)
    }

    private static func isSecondsWithMillis(_ text: ArraySlice<UInt8>) -> Bool {
        guard let dot = text.firstIndex(of: ASCII.dot) else { return false }
        return dot > text.startIndex && text[..<dot].allSatisfy(ASCII.isDigit) && text.index(after: dot) + 3 == text.endIndex
            && text[text.index(after: dot)...].allSatisfy(ASCII.isDigit)
    }

    /// Space-separated fields: bare, `[bracketed]` or `"quoted"` (with `\"` inside).
    static func tokenize(_ line: [UInt8]) -> [Token]? {
        var tokens: [Token] = []
        var i = 0
        let n = line.count
        while i < n {
            if line[i] == ASCII.space { i += 1; continue }
            if line[i] == ASCII.quote {
                var j = i + 1
                while j < n, line[j] != ASCII.quote || line[j - 1] == ASCII.backslash { j += 1 }
                guard j < n else { return nil }
                tokens.append(.quoted(line[(i + 1)..<j]))
                i = j + 1
            } else if line[i] == ASCII.leftBracket {
                guard let close = line[i...].firstIndex(of: ASCII.rightBracket) else { return nil }
                tokens.append(.bracketed(line[(i + 1)..<close]))
                i = close + 1
            } else {
                var j = i
                while j < n, line[j] != ASCII.space { j += 1 }
                tokens.append(.bare(line[i..<j]))
                i = j
            }
            guard i >= n || line[i] == ASCII.space else { return nil }
        }
        return tokens
    }
}
