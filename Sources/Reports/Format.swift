import Analysis
/// Numbers as the reports print them: fixed rules, no locale, so a report is the same
/// wherever it is made.
public enum Format {
    /// One decimal at most: 12, 12.5.
    public static func oneDecimal(_ value: Double) -> String {
        // A value no report holds (a corrupt stored night): shown, not trapped on.
        guard value.isFinite, abs(value) < 9e14 else { return value.isNaN ? "–" : value < 0 ? "−∞" : "∞" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }

    /// Two decimals at most: 0.87, 1.
    public static func twoDecimals(_ value: Double) -> String {
        coordinate(value)
    }

    /// Thousands separated by commas: 1,234,567.
    public static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }

    /// A share as a percentage with one decimal, or `–` without data.
    public static func percent(_ share: Double?) -> String {
        guard let share else { return "–" }
        // A share too small to show is not none.
        if share > 0 && share < 0.0005 { return "< 0.1%" }
        return oneDecimal(share * 100) + "%"
    }

    /// A path (or a page group named by one) as a person reads it: percent-escapes decoded
    /// when what they encode is UTF-8 text (`/m/%DB%8C%D8%AE` → `/m/یخ`); otherwise, and for
    /// escapes of control characters, `/`, `?`, `#` or `%`, as written.
    public static func display(_ path: String) -> String {
        guard path.hasPrefix("/"), path.contains("%") else { return path }
        let bytes = Array(path.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                let byte = high << 4 | low
                // Escapes that keep a path's structure or hide control text stay escaped.
                if byte >= 0x20, byte != 0x7F, byte != 0x2F, byte != 0x3F, byte != 0x23, byte != 0x25 {
                    out.append(byte)
                    index += 3
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        guard let decoded = String(validating: out, as: UTF8.self) else { return path }
        // Invisible, private, unassigned or direction-changing characters would let a path show
        // as something else (`%E2%80%AE` reverses what follows): then it is shown as written.
        // Joiners stay: Persian writes ZWNJ inside words.
        for scalar in decoded.unicodeScalars {
            let category = scalar.properties.generalCategory
            let invisible = category == .format && scalar.value != 0x200C && scalar.value != 0x200D
            if scalar.properties.isBidiControl || invisible || category == .control || category == .lineSeparator
                || category == .paragraphSeparator || category == .privateUse || category == .unassigned {
                return path
            }
        }
        return decoded
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x37
        case 0x61...0x66: return byte - 0x57
        default: return nil
        }
    }

    /// A rate's 95% interval: `36.1–97.0%`; `–` without data.
    public static func interval(_ interval: WilsonInterval?) -> String {
        guard let interval else { return "–" }
        return oneFixedDecimal(tenths: interval.low * 1000) + "–" + oneFixedDecimal(tenths: interval.high * 1000) + "%"
    }

    /// A non-negative number given in tenths, with exactly one decimal: 361 → `36.1`, 970 → `97.0`.
    public static func oneFixedDecimal(tenths value: Double) -> String {
        let tenths = Int64(value.rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Whether a rate over `n` is marked "few": under 30, it says little.
    public static func few(_ n: Int) -> Bool { WilsonInterval.isFew(n) }

    /// Milliseconds: `840 ms`, `1.25 s`, `12.4 s`; `–` without data.
    public static func milliseconds(_ ms: Double?) -> String {
        guard let ms else { return "–" }
        if ms < 1000 { return "\(Int(ms.rounded())) ms" }
        let seconds = ms / 1000
        if seconds < 10 {
            let hundredths = (seconds * 100).rounded() / 100
            return "\(trimmed(hundredths)) s"
        }
        return oneDecimal(seconds) + " s"
    }

    /// A duration in whole seconds: `45 s`, `3 min 20 s`, `2 h 5 min`; `–` without data.
    public static func duration(_ seconds: Int64?) -> String {
        guard let seconds else { return "–" }
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 {
            let rest = seconds % 60
            return rest == 0 ? "\(seconds / 60) min" : "\(seconds / 60) min \(rest) s"
        }
        let minutes = (seconds % 3600) / 60
        return minutes == 0 ? "\(seconds / 3600) h" : "\(seconds / 3600) h \(minutes) min"
    }

    /// A signed change in percentage points: `+1.2 pt`, `−0.4 pt`.
    public static func points(_ delta: Double) -> String {
        let text = oneDecimal(abs(delta * 100))
        return (delta < 0 && text != "0" ? "−" : "+") + text + " pt"
    }

    /// A signed relative change: `+12%`, `−3.5%`.
    public static func relative(_ delta: Double) -> String {
        let text = oneDecimal(abs(delta * 100))
        return (delta < 0 && text != "0" ? "−" : "+") + text + "%"
    }

    /// A number for SVG coordinates: at most two decimals, no trailing zeros.
    static func coordinate(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return trimmed(rounded == 0 ? 0 : rounded)
    }

    private static func trimmed(_ value: Double) -> String {
        if value == value.rounded() { return String(Int64(value)) }
        var text = String(value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
