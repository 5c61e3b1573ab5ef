// Reading notebook files with a snapshot of what was read, and writing them atomically: a
// temporary file in the same folder, fsync, rename over the target, fsync of the folder.
import AtomicWrite
import Figures
import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

extension Notebook {
    /// Reads and parses the notebook at `url`; errors name the path as given.
    public static func load(contentsOf url: URL) throws -> Notebook {
        try parse(NotebookFileAccess.read(url.relativePath).bytes, file: url.relativePath)
    }

    /// Writes `serialized()` to `url` atomically: readers see the old file or the whole new one,
    /// never a part; no temporary file is left behind on failure.
    public func write(to url: URL) throws {
        try NotebookFileAccess.writeAtomically(Array(serialized().utf8), to: url.relativePath)
    }
}

/// What a file was when it was read, to notice a change before overwriting it.
struct FileSnapshot: Equatable {
    var size: Int
    var modifiedSeconds: Int
    var modifiedNanoseconds: Int
    /// FNV-1a (64 bits) of the contents: cheap, and enough to notice an edit (not an attacker).
    var hash: UInt64

    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// The file-system calls of the module, on file descriptors so that the snapshot describes the
/// very file that was read.
enum NotebookFileAccess {
    /// The file's bytes and its snapshot; refuses files over `Notebook.maxFileSize`.
    static func read(_ path: String) throws -> (bytes: [UInt8], snapshot: FileSnapshot) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw NotebookError.fileSystem(operation: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw NotebookError.fileSystem(operation: "stat", path: path, errno: errno)
        }
        let size = Int(status.st_size)
        if size > Notebook.maxFileSize {
            throw NotebookError.fileTooLarge(file: path, size: size, limit: Notebook.maxFileSize)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw NotebookError.fileSystem(operation: "read", path: path, errno: errno)
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > Notebook.maxFileSize {
                throw NotebookError.fileTooLarge(file: path, size: bytes.count, limit: Notebook.maxFileSize)
            }
        }
        #if canImport(Darwin)
        let modified = status.st_mtimespec
        #else
        let modified = status.st_mtim
        #endif
        let snapshot = FileSnapshot(size: size, modifiedSeconds: Int(modified.tv_sec),
                                    modifiedNanoseconds: Int(modified.tv_nsec), hash: FileSnapshot.hash(bytes))
        return (bytes, snapshot)
    }

    /// Throws `changedOnDisk` unless the file at `path` still matches `snapshot` (a file that is
    /// gone or unreadable counts as changed).
    static func verifyUnchanged(_ path: String, since snapshot: FileSnapshot, name: String) throws {
        guard let current = try? read(path).snapshot, current == snapshot else {
            throw NotebookError.changedOnDisk(file: name)
        }
    }

    /// Writes `bytes` to `path` through a temporary file in the same folder and a rename. An
    /// existing file keeps its permissions; a symbolic link is followed (its target is replaced).
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch let failure as AtomicFile.Failure {
            throw NotebookError.fileSystem(operation: failure.operation, path: failure.path, errno: failure.errno)
        }
    }
}
