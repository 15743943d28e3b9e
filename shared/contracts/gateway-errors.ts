// Refusals that happen before any handler runs: signature checks and API Gateway's own limits. The
// embedded gateway answers them itself (gatewayError, functions/http/http-errors.ts); on AWS the API
// stack installs them as API Gateway gateway responses, so callers get the same error envelope and
// codes from both deployments.

export interface GatewayError {
  status: number;
  messageZh: string;
  message: string;
}

export const GATEWAY_ERRORS = {
  SIGNATURE_MISSING: { status: 403, messageZh: '请求未签名（需 AWS SigV4 签名）', message: 'the request is not signed (AWS SigV4, service execute-api)' },
  SIGNATURE_MALFORMED: { status: 403, messageZh: '请求签名格式错误', message: 'the Authorization header is not a well-formed AWS4-HMAC-SHA256 signature' },
  SIGNATURE_SCOPE_INVALID: { status: 403, messageZh: '签名的服务或区域不符', message: 'the signature names another service or region' },
  SIGNATURE_EXPIRED: { status: 403, messageZh: '签名已过期（超过15分钟）', message: 'the signature is more than 15 minutes off the server clock' },
  SIGNATURE_UNKNOWN_KEY: { status: 403, messageZh: '访问密钥不存在', message: 'the access key is not known' },
  SIGNATURE_MISMATCH: { status: 403, messageZh: '签名校验失败', message: 'the signature does not match the request' },
  SIGNATURE_QUERY_UNSUPPORTED: { status: 403, messageZh: '不支持预签名URL', message: 'presigned URLs are not accepted; sign the Authorization header' },
  ROUTE_FORBIDDEN: { status: 403, messageZh: '调用身份无权访问该接口', message: "the caller's IAM policy does not allow this route" },
  HOST_UNKNOWN: { status: 403, messageZh: '请求的主机名不属于本平台', message: 'the request is addressed to another host' },
  ROUTE_NOT_FOUND: { status: 404, messageZh: '接口不存在', message: 'no such route' },
  METHOD_NOT_ALLOWED: { status: 404, messageZh: '该接口不支持此方法', message: 'the route does not support this method' },
  PAYLOAD_TOO_LARGE: { status: 413, messageZh: '请求体超过上限', message: 'request body too large' },
  THROTTLED: { status: 429, messageZh: '请求过于频繁，请稍后重试', message: 'too many requests; retry later' },
  REQUEST_BLOCKED: { status: 403, messageZh: '请求被防火墙拦截', message: 'the request was blocked by the web application firewall' },
  // The embedded gateway only (Node's HTTP parser refuses them before any route is looked up; on AWS
  // they are API Gateway's REQUEST_REFUSED).
  HEADERS_TOO_LARGE: { status: 431, messageZh: '请求头过大', message: 'the request headers are too large' },
  MALFORMED_REQUEST: { status: 400, messageZh: '请求格式错误（不是合法的 HTTP 请求）', message: 'the request is not well-formed HTTP' },
  // On AWS only: any other refusal of API Gateway's own (its message and response type are passed on).
  REQUEST_REFUSED: { status: 400, messageZh: '请求被网关拒绝', message: 'the request was refused by API Gateway' },
  GATEWAY_ERROR: { status: 500, messageZh: '网关错误，请稍后重试', message: 'API Gateway could not complete the request; retry later' },
} as const satisfies Record<string, GatewayError>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;
