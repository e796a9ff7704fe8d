/// Why an input could not be read to its end.
///
/// Every case names the input as the user named it, and, where it applies, the byte offset
/// in the file as stored (the compressed offset for gzip input).
public enum InputError: Error, Equatable, Sendable, Codable, CustomStringConvertible {
    /// The file or folder does not exist.
    case notFound(path: String)
    /// The operating system refused to open or read it.
    case unreadable(path: String, reason: String)
    /// A folder that holds no log files (`access.log*`, `*.log`, `*.log.N`, `*.gz`).
    case emptyFolder(path: String)
    /// A gzip stream ended before its end marker: the lines before the fault were read.
    case truncatedGzip(file: String, offset: Int)
    /// A gzip stream is damaged at `offset`: the lines before the fault were read.
    case corruptGzip(file: String, offset: Int, reason: String)

    public var description: String {
        switch self {
        case let .notFound(path):
            return "\(path): no such file or folder"
        case let .unreadable(path, reason):
            return "\(path): cannot read: \(reason)"
        case let .emptyFolder(path):
            return "\(path): the folder holds no access logs (access.log*, *.log, *.log.N, *.gz)"
        case let .truncatedGzip(file, offset):
            return "\(file): gzip data ends early at byte \(offset); the lines before it were read"
        case let .corruptGzip(file, offset, reason):
            return "\(file): gzip data is corrupt at byte \(offset) (\(reason)); the lines before it were read"
        }
    }

    /// True when the lines before the fault were read and the run may go on.
    public var keepsEarlierLines: Bool {
        switch self {
        case .truncatedGzip, .corruptGzip: return true
        default: return false
        }
    }
}
