/// A skipped line as the report and `summary.json` show it: no client address and no user
/// agent, which uxchurn never writes into its outputs. (Messages on the terminal, which only
/// the operator reads, show the line as it is, its control bytes made visible.)
enum SampleRedaction {
    static let maskedAddress = "x.x.x.x"

    static func redacted(_ text: String) -> String {
        var bytes = Array(text.utf8)
        bytes = text.hasPrefix("{") ? withoutAgentValues(bytes) : withoutLaterQuotedFields(bytes)
        return String(decoding: maskedAddresses(bytes), as: UTF8.self)
    }

    /// In a space-separated line the first quoted field is the request and stays; a later one
    /// stays only when it is `-` or a URL (a referrer), so an agent becomes `"…"` wherever the
    /// format puts it (with or without a referrer before it), and so does any other text.
    static func withoutLaterQuotedFields(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        var quoted = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\"") else {
                out.append(bytes[index])
                index += 1
                continue
            }
            let end = closingQuote(bytes, after: index)
            quoted += 1
            let content = String(decoding: bytes[min(index + 1, bytes.count)..<min(end, bytes.count)], as: UTF8.self)
            if quoted == 1 || isReferrer(content) {
                out.append(contentsOf: bytes[index..<min(end + 1, bytes.count)])
            } else {
                out.append(contentsOf: Array("\"…\"".utf8))
            }
            index = end + 1
        }
        return out
    }

    static func isReferrer(_ text: String) -> Bool {
        guard !text.contains(" ") else { return false }
        return text == "-" || text.hasPrefix("http://") || text.hasPrefix("https://") || text.hasPrefix("/")
    }

    /// In a JSON line, the string value of every key that names an agent becomes `"…"`.
    static func withoutAgentValues(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        var lastString: [UInt8] = []
        var dropNext = false
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\"") else {
                if byte == UInt8(ascii: ":") {
                    dropNext = String(decoding: lastString, as: UTF8.self).lowercased().contains("agent")
                } else if byte != UInt8(ascii: " ") {
                    dropNext = false
                }
                out.append(byte)
                index += 1
                continue
            }
            let end = closingQuote(bytes, after: index)
            lastString = Array(bytes[min(index + 1, bytes.count)..<min(end, bytes.count)])
            if dropNext {
                out.append(contentsOf: Array("\"…\"".utf8))
                dropNext = false
            } else {
                out.append(contentsOf: bytes[index..<min(end + 1, bytes.count)])
            }
            index = end + 1
        }
        return out
    }

    /// The index of the quote that closes the one at `start` (a backslash escapes); the end of
    /// the line when there is none.
    static func closingQuote(_ bytes: [UInt8], after start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
            if bytes[index] == UInt8(ascii: "\"") { return index }
            index += 1
        }
        return bytes.count
    }

    /// IPv4 addresses (four numbers up to 255 joined by dots) and IPv6 addresses (hex groups
    /// with `::`, a hex letter or five colons — not a `10:12:31` time) become `x.x.x.x`.
    static func isHexLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        if byte >= 0x30 && byte <= 0x39 { return true }
        return isHexLetter(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    static func maskedAddresses(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard isTokenByte(bytes[index]) else {
                out.append(bytes[index])
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, isTokenByte(bytes[end]) { end += 1 }
            let token = bytes[index..<end]
            out.append(contentsOf: isAddress(token) ? Array(maskedAddress.utf8) : Array(token))
            index = end
        }
        return out
    }

    static func isAddress(_ token: ArraySlice<UInt8>) -> Bool {
        var text = String(decoding: token, as: UTF8.self)
        while text.hasSuffix(".") || text.hasSuffix(":") { text.removeLast() }  // the end of a sentence
        let colons = text.count { $0 == ":" }
        if colons == 1, let colon = text.firstIndex(of: ":") {  // 192.0.2.7:8080
            text = String(text[..<colon])
        } else if colons >= 2 {
            return text.contains("::") || token.contains(where: isHexLetter) || colons >= 5
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && (Int(part).map { $0 <= 255 } ?? false)
        }
    }
}
