import Foundation
import Imaging
import Processes
public import Session

#if canImport(Glibc)
    import Glibc
#endif

/// Turns a session's `video/` into an MP4 (through ffmpeg) or into one PNG per stored frame.
///
/// For the MP4 it rebuilds the screen at every tick of the video's frame rate and pipes each as raw BGRA to
/// ffmpeg, repeating the last screen across idle stretches, so the file plays in real time (or `speed` times
/// faster).
public enum VideoExport {
    /// Why an export failed.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// ffmpeg is not on PATH.
        case ffmpegMissing
        /// ffmpeg stopped early or exited with an error; what it printed.
        case ffmpegFailed(status: Int32, output: String)
        /// The session's video cannot be read.
        case session(SessionError)
        /// A PNG or the output file could not be written.
        case output(path: String, message: String)

        /// What happened and what to do.
        public var description: String {
            switch self {
            case .ffmpegMissing:
                "ffmpeg is not installed, and --mp4 needs it: install ffmpeg: apt-get install ffmpeg"
                    + " (--frames DIR writes PNGs without it)"
            case let .ffmpegFailed(status, output):
                "ffmpeg failed (exit status \(status))" + (output.isEmpty ? "" : ": " + output)
            case let .session(error): error.description
            case let .output(path, message): "\(path): \(message)"
            }
        }
    }

    /// The ffmpeg found on PATH; nil when it is not installed.
    public static var ffmpeg: String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return path.split(separator: ":").lazy.map { $0 + "/ffmpeg" }.first { access($0, X_OK) == 0 }
    }

    /// Encodes the video of session (a folder) as H.264 in an MP4 at file, at the video's frame rate and
    /// speed times faster than real time; progress gets the video milliseconds done and the total now and then.
    /// Returns the number of frames written.
    public static func mp4(
        session: String, to file: String, speed: Double = 1, progress: ((Int, Int) -> Void)? = nil
    ) throws(Failure) -> Int {
        guard let ffmpeg else { throw .ffmpegMissing }
        let reader: VideoReader
        do throws(SessionError) {
            reader = try VideoReader(folder: session)
        } catch {
            throw .session(error)
        }
        let header = reader.index.header
        let total = reader.index.durationMilliseconds
        let count = Int(Double(total) * Double(header.fps) / 1000 / speed) + 1
        let log = NSTemporaryDirectory() + "foredesk-ffmpeg-\(getpid()).log"
        defer { unlink(log) }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .output(path: "pipe", message: String(cString: strerror(errno))) }
        // Neither end may leak into ffmpeg beyond its stdin (dup2 clears the flag on fd 0), or it never sees EOF.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let arguments = [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgra", "-video_size", "\(header.size.width)x\(header.size.height)",
            "-framerate", "\(header.fps)", "-i", "pipe:0",
            // yuv420p (what players expect) needs even sizes.
            "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
            "-pix_fmt", "yuv420p", "-movflags", "+faststart", file,
        ]
        let process: ChildProcess
        do throws(ProcessError) {
            process = try ChildProcess(
                ffmpeg, arguments, output: .files(stdout: "/dev/null", stderr: log), passing: (readEnd, 0))
        } catch {
            close(readEnd)
            close(writeEnd)
            throw .ffmpegFailed(status: 127, output: error.description)
        }
        close(readEnd)
        var written = 0
        var failure: Failure?
        var lastReport = ContinuousClock.now
        for k in 0..<count {
            let t = Int(Double(k) * 1000 / Double(header.fps) * speed)
            let frame: Frame
            do throws(SessionError) {
                frame = try reader.frame(at: t) ?? Frame(width: header.size.width, height: header.size.height)
            } catch {
                failure = .session(error)
                break
            }
            guard writeAll(writeEnd, frame.pixels) else { break }
            written += 1
            if let progress, ContinuousClock.now - lastReport >= .seconds(1) {
                lastReport = .now
                progress(min(t, total), total)
            }
        }
        close(writeEnd)
        let status = process.wait(timeout: .seconds(600)) ?? process.terminate(grace: .seconds(2))
        if let failure { throw failure }
        let output = (try? String(contentsOfFile: log, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, written == count else { throw .ffmpegFailed(status: status, output: output ?? "") }
        progress?(total, total)
        return written
    }

    /// Writes the screen after every stored frame as `NNNNNN-<t>ms.png` in directory (created if missing);
    /// returns how many were written.
    public static func frames(session: String, to directory: String, progress: ((Int, Int) -> Void)? = nil)
        throws(Failure) -> Int
    {
        let reader: VideoReader
        do throws(SessionError) {
            reader = try VideoReader(folder: session)
        } catch {
            throw .session(error)
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .output(path: directory, message: "cannot create the folder: \(error.localizedDescription)")
        }
        let entries = reader.index.frames
        var lastReport = ContinuousClock.now
        for (position, entry) in entries.enumerated() {
            let number = String(position + 1)
            let path = directory + "/" + String(repeating: "0", count: max(0, 6 - number.count)) + number
                + "-\(entry.t)ms.png"
            do {
                try reader.frame(atPosition: position).writePNG(to: path)
            } catch let error as SessionError {
                throw .session(error)
            } catch {
                throw .output(path: path, message: "\(error)")
            }
            if let progress, ContinuousClock.now - lastReport >= .seconds(1) {
                lastReport = .now
                progress(entry.t, reader.index.durationMilliseconds)
            }
        }
        return entries.count
    }

    /// Writes every byte to fd; false when the reader went away (ffmpeg exited).
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var done = 0
            while done < buffer.count {
                let n = write(fd, base + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += n
            }
            return true
        }
    }
}
