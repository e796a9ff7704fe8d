#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a report could not be written.
public struct ReportWriteError: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): cannot write the report: \(reason)" }
}

/// Writes a report folder whole or not at all: into a temporary sibling folder first, which
/// then replaces the old folder by rename.
public enum ReportFolder {
    /// - Parameter files: relative paths (one level of subfolder allowed) and their bytes.
    public static func write(_ files: [(path: String, bytes: [UInt8])], to folder: String) throws(ReportWriteError) {
        let trimmed = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        let temporary = trimmed + ".tmp-\(getpid())"
        removeTree(temporary)
        guard mkdir(temporary, 0o755) == 0 else { throw failure(temporary) }
        do throws(ReportWriteError) {
            // Every file is written before any is synced: the first fsync then commits them all
            // in one journal transaction, and the others find little left to do.
            var written: [(path: String, handle: UnsafeMutablePointer<FILE>)] = []
            defer { for file in written { fclose(file.handle) } }
            for file in files {
                let full = temporary + "/" + file.path
                if let slash = file.path.lastIndex(of: "/") {
                    let sub = temporary + "/" + file.path[..<slash]
                    if mkdir(sub, 0o755) != 0 && errno != EEXIST { throw failure(sub) }
                }
                guard let handle = fopen(full, "wb") else { throw failure(full) }
                written.append((full, handle))
                let count = file.bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
                guard count == file.bytes.count, fflush(handle) == 0 else { throw failure(full) }
            }
            for file in written where fsync(fileno(file.handle)) != 0 { throw failure(file.path) }
            while let file = written.popLast() {
                guard fclose(file.handle) == 0 else { throw failure(file.path) }
            }
            let old = trimmed + ".old-\(getpid())"
            var info = stat()
            let exists = stat(trimmed, &info) == 0
            if exists {
                guard (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw ReportWriteError(path: trimmed, reason: "exists and is not a folder")
                }
                guard rename(trimmed, old) == 0 else { throw failure(trimmed) }
            }
            guard rename(temporary, trimmed) == 0 else {
                let error = failure(trimmed)
                if exists { rename(old, trimmed) }
                throw error
            }
            if exists { removeTree(old) }
        } catch {
            removeTree(temporary)
            throw error
        }
    }

    private static func failure(_ path: String) -> ReportWriteError {
        ReportWriteError(path: path, reason: String(cString: strerror(errno)))
    }

    /// Removes a folder of files and one level of subfolders (what `write` makes).
    static func removeTree(_ path: String) {
        guard let dir = opendir(path) else { unlink(path); return }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(dir)
        for name in names {
            let full = path + "/" + name
            if unlink(full) != 0 { removeTree(full) }
        }
        rmdir(path)
    }
}
