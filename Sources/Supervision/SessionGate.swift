import HTTPTypes
import Hummingbird

/// Lets a request through only with a paired session (401 otherwise), and a POST only with that session's
/// CSRF token in `X-CSRF-Token` (403 otherwise); `/pair/` is the one way in. Adds headers that keep
/// pages out of caches, frames and referrers.
struct SessionGate: RouterMiddleware {
    typealias Context = SupervisionContext

    /// The session cookie's name.
    static let cookie = "foredesk_session"

    let pairing: Pairing
    /// A local secret (`foredesk serve --revoke`) that may revoke without a session.
    let control: String

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await check(request, context: context, next: next)
        response.headers[.cacheControl] = "no-store"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.xFrameOptions] = "DENY"
        return response
    }

    private func check(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if request.uri.path.hasPrefix("/pair/") { return try await next(request, context) }
        if request.method == .post, request.uri.path == "/api/revoke",
            let secret = request.headers[Self.controlHeader], RandomToken.same(secret, control)
        {
            return try await next(request, context)
        }
        guard let cookie = request.cookies[Self.cookie]?.value, let device = pairing.device(cookie: cookie) else {
            return Replies.text(
                .unauthorized, "not paired: open the pairing link foredesk printed (foredesk serve --revoke makes a new one)")
        }
        if request.method != .get && request.method != .head {
            guard let token = request.headers[Self.csrfHeader], RandomToken.same(token, device.csrf) else {
                return Replies.text(.forbidden, "missing or wrong X-CSRF-Token")
            }
        }
        var context = context
        context.device = device
        return try await next(request, context)
    }

    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    static let controlHeader = HTTPField.Name("X-Foredesk-Control")!
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
}
