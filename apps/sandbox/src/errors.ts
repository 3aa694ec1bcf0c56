/** A WeChat Pay v3 error answer: `status {code, message, detail?}`. */
export class WxPayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: { field?: string; value?: unknown; issue?: string; location?: string },
  ) {
    super(message);
  }
}

export const paramError = (field: string, issue: string, value?: unknown): WxPayError =>
  new WxPayError(400, 'PARAM_ERROR', `参数错误: ${field} ${issue}`, { field, value, issue, location: 'body' });

/** An error of the sandbox's own control API (not a WeChat answer). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
