#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file error with the operating system's reason.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Reads a whole small text file (configuration, templates).
public func readTextFile(_ path: String) throws(FileError) -> String {
    guard let file = fopen(path, "rb") else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
        if n < buffer.count {
            if ferror(file) != 0 { throw FileError(path: path, reason: String(cString: strerror(errno))) }
            break
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes `bytes` to `path`, replacing it.
public func writeFile(_ path: String, _ bytes: [UInt8]) throws(FileError) {
    guard let file = fopen(path, "wb") else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    let closed = fclose(file)
    guard written == bytes.count, closed == 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
}

public func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}
