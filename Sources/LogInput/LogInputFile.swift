import CSystemCalls
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One input as the user named it: a file, a member of a named folder, or standard input.
public struct LogInputFile: Sendable, Hashable {
    public enum Location: Sendable, Hashable {
        /// A regular file: opened once to probe its format, again to read it.
        case path(String)
        /// A named pipe, a process substitution (`<(…)`), a character device: its bytes can be
        /// read only once, so what the probe read is replayed.
        case stream(String)
        case standardInput
    }

    /// The name reports show: as named on the command line, a folder's member as `folder/name`.
    public let name: String
    public let location: Location

    public init(name: String, location: Location) {
        self.name = name
        self.location = location
    }

    /// Whether the input's bytes can be read only once (standard input, a pipe, a device).
    public var readsOnce: Bool {
        if case .path = location { return false }
        return true
    }

    /// The file's size in bytes (compressed, for gzip); 0 for standard input or when unknown.
    public var size: Int {
        guard case let .path(path) = location else { return 0 }
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The logrotate number: the trailing `.N` before an optional `.gz` (`access.log.2.gz` → 2), else 0.
    public var rotationNumber: Int {
        var base = Substring(name.split(separator: "/").last ?? Substring(name))
        if base.hasSuffix(".gz") { base = base.dropLast(3) }
        guard let dot = base.lastIndex(of: ".") else { return 0 }
        let digits = base[base.index(after: dot)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return 0 }
        return Int(digits) ?? 0
    }
}

/// Turns command-line arguments (files, folders of rotated logs, `-`) into the inputs they name.
public enum InputResolver {
    /// Resolves files, folders (their rotated logs, not recursing) and `-` (standard input).
    ///
    /// - Throws: `InputError.notFound`, `.unreadable` or `.emptyFolder`.
    public static func resolve(_ arguments: [String]) throws(InputError) -> [LogInputFile] {
        var inputs: [LogInputFile] = []
        for argument in arguments {
            if argument == "-" {
                inputs.append(LogInputFile(name: "-", location: .standardInput))
                continue
            }
            var info = stat()
            guard stat(argument, &info) == 0 else {
                if errno == ENOENT { throw .notFound(path: argument) }
                throw .unreadable(path: argument, reason: String(cString: strerror(errno)))
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let members = try folderMembers(argument)
                guard !members.isEmpty else { throw .emptyFolder(path: argument) }
                let prefix = argument.hasSuffix("/") ? argument : argument + "/"
                for member in members {
                    inputs.append(LogInputFile(name: prefix + member, location: .path(prefix + member)))
                }
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                inputs.append(LogInputFile(name: argument, location: .path(argument)))
            } else {
                inputs.append(LogInputFile(name: argument, location: .stream(argument)))
            }
        }
        return inputs
    }

    /// Whether a folder member is an access log: `access.log*`, `*.log`, `*.log.N` or `*.gz`,
    /// and its name does not contain `error`.
    public static func isLogName(_ name: String) -> Bool {
        if name.contains("error") || name.hasPrefix(".") { return false }
        if name.hasPrefix("access.log") || name.hasSuffix(".log") || name.hasSuffix(".gz") { return true }
        // *.log.N
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, parts[parts.count - 2] == "log" else { return false }
        return !last.isEmpty && last.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func folderMembers(_ path: String) throws(InputError) -> [String] {
        guard let dir = opendir(path) else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = String(cString: uxchurn_entry_name(entry))
            guard isLogName(name) else { continue }
            var info = stat()
            let full = (path.hasSuffix("/") ? path : path + "/") + name
            guard stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            names.append(name)
        }
        return names.sorted()
    }
}
