/// Where a field lies in its line: byte offsets, `start..<end`. Empty when the format lacks it.
public struct FieldRange: Sendable, Equatable {
    public var start: Int32
    public var end: Int32

    public static let absent = FieldRange(start: 0, end: 0)

    @inlinable public var count: Int { Int(end - start) }
    @inlinable public var isEmpty: Bool { end == start }
}

/// The fields of one line that uxchurn reads, as ranges into the line's (decoded) bytes.
///
/// Reused from line to line; only the fields the format has are set.
public struct ParsedLine: Sendable, Equatable {
    public var address = FieldRange.absent
    public var user = FieldRange.absent
    public var request = FieldRange.absent
    public var method = FieldRange.absent
    public var urlPath = FieldRange.absent
    public var query = FieldRange.absent
    public var requestURI = FieldRange.absent
    public var protocolVersion = FieldRange.absent
    public var referrer = FieldRange.absent
    public var userAgent = FieldRange.absent
    public var cookie = FieldRange.absent
    public var host = FieldRange.absent
    /// The HTTP status, 100…999.
    public var status: Int = 0
    public var timestamp = LogTimestamp(utcSeconds: 0, offsetMinutes: 0)
    /// The response time in microseconds, or -1 when the line has none.
    public var responseMicroseconds: Int64 = -1

    public init() {}
}
