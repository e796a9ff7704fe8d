/// Escaping by context, for text that strangers wrote (paths, agents, names from logs).
public enum Escape {
    /// Text for HTML with its `code` spans (between backticks) as `<code>`; an unpaired
    /// backtick stays as written.
    public static func htmlWithCode(_ text: String) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return xml(text) }
        var out = ""
        for (index, part) in parts.enumerated() {
            let inCode = index % 2 == 1
            if inCode, index == parts.count - 1 {
                out += "`" + xml(String(part))  // the last backtick has no pair
            } else {
                out += inCode ? "<code>" + xml(String(part)) + "</code>" : xml(String(part))
            }
        }
        return out
    }

    /// XML text and attribute values.
    public static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters even escaped.
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r" { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Control characters shown as text: ESC as `\x1b`, NUL as `\x00`, DEL and the C1 controls
    /// likewise, so bytes of a log line cannot drive a terminal or hide in a report.
    ///
    /// - Parameter kept: the controls left as they are (a message keeps its line breaks).
    public static func controls(_ text: some StringProtocol, keeping kept: Set<Unicode.Scalar> = ["\t"]) -> String {
        let needs = text.unicodeScalars.contains { isControl($0) && !kept.contains($0) }
        guard needs else { return String(text) }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if isControl(scalar) && !kept.contains(scalar) {
                out += hex(scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Bytes from a log as text: valid UTF-8 kept, control characters as with ``controls(_:keeping:)``,
    /// and each byte that is not UTF-8 (a binary file's, a Latin-1 log's) as `\x89`, where
    /// decoding would show a replacement character that says nothing of the byte.
    public static func bytes(_ bytes: some Collection<UInt8>, keeping kept: Set<Unicode.Scalar> = ["\t"]) -> String {
        let all = Array(bytes)
        var out = ""
        out.reserveCapacity(all.count + 16)
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = all.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if isControl(scalar) && !kept.contains(scalar) { out += hex(scalar.value) } else { out.unicodeScalars.append(scalar) }
                offset += encoded.count
            case .error(let length):
                for byte in all[offset..<min(offset + length, all.count)] { out += hex(UInt32(byte)) }
                offset += length
            case .emptyInput:
                return out
            }
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\x" + (digits.count < 2 ? "0" : "") + digits
    }

    @inline(__always)
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F)
    }

    /// A Markdown table cell: pipes, backslashes, HTML and line breaks neutralised.
    public static func markdownCell(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "|": out += "\\|"
            case "\\": out += "\\\\"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r": out += " "
            case "`", "*", "_", "[", "]": out += "\\" + String(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
