#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The time zone of timestamps written without a UTC offset (`[01/Jun/2019:10:12:31]`): a
/// fixed offset (`+03:30`, `-0500`, `UTC`) or an IANA zone (`Europe/Berlin`) read from the
/// system's time zone database, whose offset changes at its transitions (summer time).
public struct TimeZoneRule: Sendable, Hashable {
    /// As given: `+03:30`, `Europe/Berlin`.
    public let name: String
    /// Instants (UTC seconds) at which the offset changes, ascending.
    let transitions: [Int64]
    /// Offsets in seconds: `offsets[i]` is in force before `transitions[i]`, the last one after
    /// the last transition (one more element than `transitions`).
    let offsets: [Int32]

    public static let utc = TimeZoneRule(name: "UTC", transitions: [], offsets: [0])

    init(name: String, transitions: [Int64], offsets: [Int32]) {
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
    }

    /// A zone failed to load: the message says why and what is accepted.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Where IANA zones are read from: `$TZDIR`, else the usual system folder.
    static var databaseFolder: String {
        if let value = getenv("TZDIR") { return String(cString: value) }
        return "/usr/share/zoneinfo"
    }

    /// `+03:30`, `+0330`, `-05`, `UTC`, `Z`, or an IANA name (`Europe/Berlin`).
    public static func named(_ text: String) throws(Failure) -> TimeZoneRule {
        if text == "UTC" || text == "Z" || text == "GMT" { return TimeZoneRule(name: text, transitions: [], offsets: [0]) }
        if let offset = fixedOffset(text) { return TimeZoneRule(name: text, transitions: [], offsets: [offset]) }
        let valid = !text.isEmpty && text.count <= 64 && !text.hasPrefix("/") && !text.contains("..")
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_-+".contains($0)) }
        guard valid else {
            throw Failure(description: "'\(text)' is neither a UTC offset (+03:30, -0500) nor a time zone name (Europe/Berlin)")
        }
        let path = databaseFolder + "/" + text
        guard readAll(path) != nil else {
            throw Failure(description: "'\(text)' is not a time zone of this system's database (\(databaseFolder)); give an IANA name such as Europe/Berlin, or a UTC offset such as +01:00")
        }
        return try file(path, name: text)
    }

    /// The zone a TZif file describes.
    static func file(_ path: String, name: String) throws(Failure) -> TimeZoneRule {
        guard let bytes = readAll(path), let (transitions, offsets) = parseTZif(bytes) else {
            throw Failure(description: "\(path) is not a time zone file (TZif) this uxchurn can read")
        }
        return TimeZoneRule(name: name, transitions: transitions, offsets: offsets)
    }

    /// `±HH:MM`, `±HHMM` or `±HH`, at most 18 hours.
    static func fixedOffset(_ text: String) -> Int32? {
        let bytes = Array(text.utf8)
        guard let sign = bytes.first, sign == ASCII.plus || sign == ASCII.minus else { return nil }
        let digits = bytes.dropFirst().filter { $0 != ASCII.colon }
        let colons = bytes.dropFirst().filter { $0 == ASCII.colon }.count
        guard digits.count == 2 || digits.count == 4, colons <= 1, colons == 0 || bytes.count == 6,
              colons == 0 || bytes[3] == ASCII.colon,
              digits.allSatisfy({ $0 >= ASCII.zero && $0 <= ASCII.zero + 9 }) else { return nil }
        let values = digits.map { Int32($0 - ASCII.zero) }
        let hours = values[0] * 10 + values[1]
        let minutes = values.count == 4 ? values[2] * 10 + values[3] : 0
        guard hours <= 18, minutes < 60 else { return nil }
        let total = (hours * 60 + minutes) * 60
        return sign == ASCII.minus ? -total : total
    }

    /// The offset, in minutes, of a wall-clock time (seconds since 1970-01-01 as if it were
    /// UTC): the one in force at that wall-clock time; in an hour skipped or repeated by a
    /// change, the one in force just before the change.
    public func offsetMinutes(localSeconds local: Int64) -> Int16 {
        guard !transitions.isEmpty else { return Int16(offsets[0] / 60) }
        // The last transition at least a day before the wall-clock time (changes are further
        // apart than that), then the one after it, if any, decides.
        let earliest = local - 86_400 * 2
        var low = 0, high = transitions.count
        while low < high {
            let mid = (low + high) / 2
            if transitions[mid] <= earliest { low = mid + 1 } else { high = mid }
        }
        var index = low  // offsets[index] is in force at `earliest`
        while index < transitions.count {
            let before = Int64(offsets[index])
            let after = Int64(offsets[index + 1])
            let change = transitions[index]
            // Read with the offset before the change, the time falls before it: that offset.
            if local - before < change { return Int16(before / 60) }
            // Read with the offset after, it falls after: the next change may still come.
            if local - after >= change {
                index += 1
                continue
            }
            // Skipped (neither reading is valid): the offset before the change.
            return Int16(before / 60)
        }
        return Int16(offsets[index] / 60)
    }

    // MARK: The TZif file

    private static func readAll(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, 4096, file) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
            if bytes.count > 1 << 20 { return nil }  // no zone file is that large
        }
        return bytes
    }

    /// Transitions and offsets of a TZif file (RFC 8536): the 64-bit data block of version 2
    /// and later, else the 32-bit one.
    static func parseTZif(_ bytes: [UInt8]) -> (transitions: [Int64], offsets: [Int32])? {
        struct Header {
            var isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0
        }
        func header(at offset: Int) -> Header? {
            guard offset + 44 <= bytes.count, bytes[offset..<offset + 4].elementsEqual("TZif".utf8) else { return nil }
            func count(_ at: Int) -> Int {
                Int(bytes[offset + at]) << 24 | Int(bytes[offset + at + 1]) << 16 | Int(bytes[offset + at + 2]) << 8 | Int(bytes[offset + at + 3])
            }
            return Header(isutcnt: count(20), isstdcnt: count(24), leapcnt: count(28), timecnt: count(32), typecnt: count(36), charcnt: count(40))
        }
        func integer(_ at: Int, _ width: Int) -> Int64 {
            var value: UInt64 = 0
            for i in 0..<width { value = value << 8 | UInt64(bytes[at + i]) }
            return width == 4 ? Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: value))) : Int64(bitPattern: value)
        }
        guard let first = header(at: 0) else { return nil }
        let version = bytes[4]
        var start = 0
        var h = first
        var width = 4
        if version >= UInt8(ascii: "2") {
            let firstSize = 44 + first.timecnt * 5 + first.typecnt * 6 + first.charcnt + first.leapcnt * 8 + first.isstdcnt + first.isutcnt
            guard let second = header(at: firstSize) else { return nil }
            start = firstSize
            h = second
            width = 8
        }
        guard h.typecnt >= 1, h.timecnt <= 10_000, h.typecnt <= 256 else { return nil }
        let timesAt = start + 44
        let indicesAt = timesAt + h.timecnt * width
        let typesAt = indicesAt + h.timecnt
        guard typesAt + h.typecnt * 6 <= bytes.count else { return nil }
        let typeOffsets = (0..<h.typecnt).map { Int32(truncatingIfNeeded: integer(typesAt + $0 * 6, 4)) }
        // RFC 8536: an offset is within -25 h and +26 h.
        guard typeOffsets.allSatisfy({ $0 > -89_999 && $0 < 93_599 }) else { return nil }
        var transitions: [Int64] = []
        // Before the first transition: the first standard-time type (RFC 8536: type 0).
        var offsets: [Int32] = [typeOffsets[0]]
        for i in 0..<h.timecnt {
            let type = Int(bytes[indicesAt + i])
            guard type < typeOffsets.count else { return nil }
            let time = integer(timesAt + i * width, width)
            if let last = transitions.last, time <= last { continue }
            if typeOffsets[type] == offsets[offsets.count - 1] { continue }  // no change of offset
            transitions.append(time)
            offsets.append(typeOffsets[type])
        }
        // Version 2+ files end with a POSIX TZ string for the times after the last listed change
        // ("slim" files list changes only up to the last change of rules): its changes are
        // listed here up to 2100.
        if width == 8 {
            let footerAt = typesAt + h.typecnt * 6 + h.charcnt + h.leapcnt * 12 + h.isstdcnt + h.isutcnt
            if footerAt < bytes.count, bytes[footerAt] == ASCII.newline,
               let close = bytes[(footerAt + 1)...].firstIndex(of: ASCII.newline) {
                let footer = String(decoding: bytes[(footerAt + 1)..<close], as: UTF8.self)
                guard let rule = PosixRule(footer) else { return footer.isEmpty ? (transitions, offsets) : nil }
                rule.extend(&transitions, &offsets)
            }
        }
        return (transitions, offsets)
    }
}

/// A POSIX TZ rule (`CET-1CEST,M3.5.0,M10.5.0/3`), as TZif files end with: standard and summer
/// offsets and the `Mm.w.d[/time]` days the changes happen on.
struct PosixRule {
    var standard: Int32
    var summer: Int32?
    /// Month, week (1–5, 5 the last), weekday (0 Sunday), seconds after local midnight.
    var start = (month: 0, week: 0, weekday: 0, time: 7200)
    var end = (month: 0, week: 0, weekday: 0, time: 7200)

    init?(_ text: String) {
        var rest = Substring(text)
        func name() -> Bool {
            if rest.first == "<" {
                guard let close = rest.firstIndex(of: ">") else { return false }
                rest = rest[rest.index(after: close)...]
                return true
            }
            let letters = rest.prefix { $0.isLetter }
            guard letters.count >= 3 else { return false }
            rest = rest.dropFirst(letters.count)
            return true
        }
        /// `[+-]hh[:mm[:ss]]`, seconds; POSIX writes west of UTC as positive.
        func clock() -> Int32? {
            var sign: Int32 = 1
            if rest.first == "+" || rest.first == "-" {
                sign = rest.first == "-" ? -1 : 1
                rest = rest.dropFirst()
            }
            var parts: [Int32] = []
            while parts.count < 3 {
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty, digits.count <= 3, let value = Int32(digits) else { return nil }
                parts.append(value)
                rest = rest.dropFirst(digits.count)
                guard rest.first == ":" else { break }
                rest = rest.dropFirst()
            }
            let seconds = (parts.first ?? 0) * 3600 + (parts.count > 1 ? parts[1] * 60 : 0) + (parts.count > 2 ? parts[2] : 0)
            return sign * seconds
        }
        func day() -> (month: Int, week: Int, weekday: Int, time: Int)? {
            guard rest.first == "M" else { return nil }
            rest = rest.dropFirst()
            var numbers: [Int] = []
            for separator in [Character("."), Character("."), nil] {
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                guard let value = Int(digits) else { return nil }
                numbers.append(value)
                rest = rest.dropFirst(digits.count)
                if let separator {
                    guard rest.first == separator else { return nil }
                    rest = rest.dropFirst()
                }
            }
            var time = 7200
            if rest.first == "/" {
                rest = rest.dropFirst()
                guard let value = clock() else { return nil }
                time = Int(value)
            }
            guard (1...12).contains(numbers[0]), (1...5).contains(numbers[1]), (0...6).contains(numbers[2]) else { return nil }
            return (numbers[0], numbers[1], numbers[2], time)
        }
        guard name(), let west = clock() else { return nil }
        standard = -west
        guard !rest.isEmpty else { summer = nil; return }
        guard name() else { return nil }
        if rest.first != "," {
            guard let summerWest = clock() else { return nil }
            summer = -summerWest
        } else {
            summer = standard + 3600
        }
        guard rest.first == "," else { return nil }
        rest = rest.dropFirst()
        guard let from = day(), rest.first == "," else { return nil }
        rest = rest.dropFirst()
        guard let to = day(), rest.isEmpty else { return nil }
        start = from
        end = to
    }

    /// Appends the rule's changes after the last listed one, through 2100.
    func extend(_ transitions: inout [Int64], _ offsets: inout [Int32]) {
        guard let summer else {
            if offsets.last != standard {
                transitions.append((transitions.last ?? 0) + 1)
                offsets.append(standard)
            }
            return
        }
        let lastYear = transitions.last.map { CivilDate(daysSinceEpoch: $0 >= 0 ? $0 / 86_400 : ($0 - 86_399) / 86_400).year } ?? 1970
        let firstYear = min(max(1970, lastYear), 2100)
        for year in firstYear...2100 {
            // Summer time starts at a standard-time wall clock, ends at a summer-time one.
            let changes = [(Self.local(year, start) - Int64(standard), summer), (Self.local(year, end) - Int64(summer), standard)]
                .sorted { $0.0 < $1.0 }
            for (instant, offset) in changes where instant > (transitions.last ?? .min) && offsets.last != offset {
                transitions.append(instant)
                offsets.append(offset)
            }
        }
    }

    /// Seconds since 1970 of a rule's day and time as wall-clock time (as if UTC).
    static func local(_ year: Int, _ day: (month: Int, week: Int, weekday: Int, time: Int)) -> Int64 {
        let first = CivilDate(year: year, month: day.month, day: 1).daysSinceEpoch
        // 1970-01-01 was a Thursday (weekday 4).
        let firstWeekday = Int(((first % 7) + 7 + 4) % 7)
        var date = 1 + (day.weekday - firstWeekday + 7) % 7 + (day.week - 1) * 7
        let length = CivilDate.daysInMonth(day.month, year: year)
        while date > length { date -= 7 }
        return (first + Int64(date - 1)) * 86_400 + Int64(day.time)
    }
}

/// An input whose timestamps carry no UTC offset, read without a time zone: their instants
/// cannot be known.
public struct TimeZoneNeeded: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var format: String

    public var description: String {
        "\(file): its timestamps carry no UTC offset (read as \(format)); give the time zone they were written in "
            + "with --timezone (an offset such as +01:00, or a zone such as Europe/Berlin) or timezone: in the configuration"
    }
}
