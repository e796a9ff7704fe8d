/// An instant as a log line wrote it: seconds since the Unix epoch (UTC) and the UTC offset
/// the server wrote, which decides the calendar day.
public struct LogTimestamp: Sendable, Hashable, Comparable, Codable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var utcSeconds: Int64
    /// The written offset from UTC, in minutes (`-0500` → -300).
    public var offsetMinutes: Int16

    public init(utcSeconds: Int64, offsetMinutes: Int16) {
        self.utcSeconds = utcSeconds
        self.offsetMinutes = offsetMinutes
    }

    /// Orders by instant only.
    public static func < (lhs: LogTimestamp, rhs: LogTimestamp) -> Bool { lhs.utcSeconds < rhs.utcSeconds }

    /// Days since 1970-01-01 of the local calendar date in the written offset.
    public var localDay: Int64 {
        let local = utcSeconds + Int64(offsetMinutes) * 60
        return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    }

    /// `2026-03-02` for the local date.
    public var localDateString: String { CivilDate(daysSinceEpoch: localDay).description }

    /// ISO 8601 with the written offset: `2026-03-02T00:00:03-05:00`.
    public var iso8601: String {
        let local = utcSeconds + Int64(offsetMinutes) * 60
        let day = localDay
        let secondOfDay = Int(local - day * 86_400)
        let offset = Int(offsetMinutes)
        let sign = offset < 0 ? "-" : "+"
        return "\(CivilDate(daysSinceEpoch: day))T\(twoDigits(secondOfDay / 3600)):"
            + "\(twoDigits(secondOfDay / 60 % 60)):\(twoDigits(secondOfDay % 60))"
            + "\(sign)\(twoDigits(abs(offset) / 60)):\(twoDigits(abs(offset) % 60))"
    }
}

extension LogTimestamp {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// As Apache's `%t` writes it, without brackets: `02/Mar/2026:10:00:00 -0500`.
    public var commonLog: String {
        let local = utcSeconds + Int64(offsetMinutes) * 60
        let day = localDay
        let date = CivilDate(daysSinceEpoch: day)
        let second = Int(local - day * 86_400)
        let offset = Int(offsetMinutes)
        return "\(twoDigits(date.day))/\(Self.monthNames[date.month - 1])/\(date.year):\(twoDigits(second / 3600)):"
            + "\(twoDigits(second / 60 % 60)):\(twoDigits(second % 60)) \(offset < 0 ? "-" : "+")"
            + "\(twoDigits(abs(offset) / 60))\(twoDigits(abs(offset) % 60))"
    }
}

@inline(__always) func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}

/// A proleptic Gregorian calendar date.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// From days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public init(daysSinceEpoch: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), month: Int(m), day: Int(d))
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    public var daysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        let y = year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(y)-\(twoDigits(month))-\(twoDigits(day))"
    }

    /// `2026-03-02`, or nil.
    public static func parseISO(_ text: String) -> CivilDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              month >= 1, month <= 12, day >= 1, day <= daysInMonth(month, year: year) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Parses the two timestamp shapes servers write, by hand, from bytes.
enum TimestampParser {
    /// `dd/Mon/yyyy:HH:MM:SS +hhmm` (Apache `%t` without brackets, nginx `$time_local`).
    ///
    /// - Returns: nil unless it is exactly that shape and a valid date-time.
    @inline(__always)
    static func parseCommonLog(_ p: UnsafeRawPointer, count: Int, cache: inout DayCache) -> LogTimestamp? {
        guard count == 26 else { return nil }
        let whole = (p.loadUnaligned(as: UInt64.self), p.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                     p.loadUnaligned(fromByteOffset: 16, as: UInt64.self), p.loadUnaligned(fromByteOffset: 24, as: UInt16.self))
        if let value = cache.lastValue, whole == cache.last { return value }
        guard let value = parseCommonLogUncached(p, cache: &cache) else { return nil }
        cache.last = whole
        cache.lastValue = value
        return value
    }

    private static func parseCommonLogUncached(_ p: UnsafeRawPointer, cache: inout DayCache) -> LogTimestamp? {
        guard p.load(fromByteOffset: 20, as: UInt8.self) == ASCII.space,
              let local = localSeconds(p, cache: &cache),
              let offset = offsetMinutes(p + 21, colon: false)
        else { return nil }
        return LogTimestamp(utcSeconds: local - Int64(offset) * 60, offsetMinutes: Int16(offset))
    }

    /// `dd/Mon/yyyy:HH:MM:SS`, written without an offset: a wall-clock time in `zone`.
    static func parseCommonLogLocal(_ p: UnsafeRawPointer, count: Int, zone: TimeZoneRule, cache: inout DayCache) -> LogTimestamp? {
        guard count == 20, let local = localSeconds(p, cache: &cache) else { return nil }
        let offset = zone.offsetMinutes(localSeconds: local)
        return LogTimestamp(utcSeconds: local - Int64(offset) * 60, offsetMinutes: offset)
    }

    /// The wall-clock time of `dd/Mon/yyyy:HH:MM:SS` (20 bytes) as seconds since 1970-01-01 as if
    /// it were UTC; nil unless it is that shape and a valid date-time.
    @inline(__always)
    private static func localSeconds(_ p: UnsafeRawPointer, cache: inout DayCache) -> Int64? {
        guard p.load(fromByteOffset: 2, as: UInt8.self) == ASCII.slash,
              p.load(fromByteOffset: 6, as: UInt8.self) == ASCII.slash,
              p.load(fromByteOffset: 11, as: UInt8.self) == ASCII.colon,
              p.load(fromByteOffset: 14, as: UInt8.self) == ASCII.colon,
              p.load(fromByteOffset: 17, as: UInt8.self) == ASCII.colon
        else { return nil }
        // The date part (`02/Mar/2026`) repeats line after line: look it up once.
        let dateWord = p.loadUnaligned(as: UInt64.self)
        let dateTail = p.loadUnaligned(fromByteOffset: 8, as: UInt32.self)  // `026:`: the year's last digits
        let days: Int64
        if cache.word == dateWord, cache.tail == dateTail, cache.valid {
            days = cache.days
        } else {
            guard let day = digits2(p, 0), let year = digits4(p, 7),
                  let month = monthNumber(p + 3), day >= 1,
                  day <= CivilDate.daysInMonth(month, year: year)
            else { return nil }
            days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
            cache = DayCache(word: dateWord, tail: dateTail, days: days, valid: true)
        }
        guard let hour = digits2(p, 12), hour < 24,
              let minute = digits2(p, 15), minute < 60,
              let second = digits2(p, 18), second <= 60
        else { return nil }
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Seconds since 1970 (Caddy's `ts`, nginx's `$msec`), with a fraction or not: the second
    /// it falls in, in UTC.
    static func parseUnixSeconds(_ p: UnsafeRawPointer, count: Int) -> Int64? {
        var dot = count
        for i in 0..<count where p.load(fromByteOffset: i, as: UInt8.self) == ASCII.dot { dot = i; break }
        guard dot <= 12, let whole = LineParser.parseDigits(p, dot) else { return nil }
        guard dot < count else { return whole }
        guard dot + 1 < count else { return nil }
        for i in (dot + 1)..<count where !ASCII.isDigit(p.load(fromByteOffset: i, as: UInt8.self)) { return nil }
        return whole
    }

    /// `yyyy-mm-ddTHH:MM:SS+hh:mm` or `…Z` (nginx `$time_iso8601`), with or without fractional
    /// seconds (`…:00.186641Z`, ALB's: the instant is truncated to the second); without an
    /// offset, a wall-clock time in `zone` when one is given.
    static func parseISO8601(_ p: UnsafeRawPointer, count: Int, zone: TimeZoneRule? = nil) -> LogTimestamp? {
        guard count >= 19, count <= 32,
              p.load(fromByteOffset: 4, as: UInt8.self) == ASCII.minus,
              p.load(fromByteOffset: 7, as: UInt8.self) == ASCII.minus,
              p.load(fromByteOffset: 10, as: UInt8.self) == ASCII.upperT,
              p.load(fromByteOffset: 13, as: UInt8.self) == ASCII.colon,
              p.load(fromByteOffset: 16, as: UInt8.self) == ASCII.colon,
              let year = digits4(p, 0), let month = digits2(p, 5), month >= 1, month <= 12,
              let day = digits2(p, 8), day >= 1, day <= CivilDate.daysInMonth(month, year: year),
              let hour = digits2(p, 11), hour < 24,
              let minute = digits2(p, 14), minute < 60,
              let second = digits2(p, 17), second <= 60
        else { return nil }
        var end = 19
        if end < count, p.load(fromByteOffset: end, as: UInt8.self) == ASCII.dot {
            end += 1
            let digitsStart = end
            while end < count, ASCII.isDigit(p.load(fromByteOffset: end, as: UInt8.self)) { end += 1 }
            guard end > digitsStart, end - digitsStart <= 9 else { return nil }
        }
        let local = CivilDate(year: year, month: month, day: day).daysSinceEpoch * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
        let offset: Int
        switch count - end {
        case 0:
            guard let zone else { return nil }
            let minutes = zone.offsetMinutes(localSeconds: local)
            return LogTimestamp(utcSeconds: local - Int64(minutes) * 60, offsetMinutes: minutes)
        case 1:
            guard p.load(fromByteOffset: end, as: UInt8.self) == 0x5A else { return nil }  // "Z"
            offset = 0
        case 6:
            guard let parsed = offsetMinutes(p + end, colon: true) else { return nil }
            offset = parsed
        default:
            return nil
        }
        return LogTimestamp(utcSeconds: local - Int64(offset) * 60, offsetMinutes: Int16(offset))
    }

    /// `+hhmm` or, with `colon`, `+hh:mm`.
    @inline(__always)
    private static func offsetMinutes(_ p: UnsafeRawPointer, colon: Bool) -> Int? {
        let sign = p.load(as: UInt8.self)
        guard sign == ASCII.plus || sign == ASCII.minus, let hours = digits2(p, 1), hours <= 18 else { return nil }
        if colon { guard p.load(fromByteOffset: 3, as: UInt8.self) == ASCII.colon else { return nil } }
        guard let minutes = digits2(p, colon ? 4 : 3), minutes < 60 else { return nil }
        let total = hours * 60 + minutes
        return sign == ASCII.minus ? -total : total
    }

    @inline(__always)
    private static func digits2(_ p: UnsafeRawPointer, _ at: Int) -> Int? {
        let a = p.load(fromByteOffset: at, as: UInt8.self) &- ASCII.zero
        let b = p.load(fromByteOffset: at + 1, as: UInt8.self) &- ASCII.zero
        guard a < 10, b < 10 else { return nil }
        return Int(a) * 10 + Int(b)
    }

    @inline(__always)
    private static func digits4(_ p: UnsafeRawPointer, _ at: Int) -> Int? {
        guard let high = digits2(p, at), let low = digits2(p, at + 2) else { return nil }
        return high * 100 + low
    }

    static func monthNumber(_ p: UnsafeRawPointer) -> Int? {
        let a = p.load(as: UInt8.self), b = p.load(fromByteOffset: 1, as: UInt8.self)
        let c = p.load(fromByteOffset: 2, as: UInt8.self)
        switch (a, b, c) {
        case (0x4A, 0x61, 0x6E): return 1   // Jan
        case (0x46, 0x65, 0x62): return 2   // Feb
        case (0x4D, 0x61, 0x72): return 3   // Mar
        case (0x41, 0x70, 0x72): return 4   // Apr
        case (0x4D, 0x61, 0x79): return 5   // May
        case (0x4A, 0x75, 0x6E): return 6   // Jun
        case (0x4A, 0x75, 0x6C): return 7   // Jul
        case (0x41, 0x75, 0x67): return 8   // Aug
        case (0x53, 0x65, 0x70): return 9   // Sep
        case (0x4F, 0x63, 0x74): return 10  // Oct
        case (0x4E, 0x6F, 0x76): return 11  // Nov
        case (0x44, 0x65, 0x63): return 12  // Dec
        default: return nil
        }
    }
}

/// The last date part seen (`02/Mar/2026`) and its day number.
struct DayCache {
    /// The date's bytes 0–7 (`02/Mar/2`) and 8–11 (`026:`): the whole date.
    var word: UInt64 = 0
    var tail: UInt32 = 0
    var days: Int64 = 0
    var valid = false
    /// The whole last timestamp (26 bytes) and its value: busy logs write several lines a second.
    var last: (UInt64, UInt64, UInt64, UInt16) = (0, 0, 0, 0)
    var lastValue: LogTimestamp?
}
