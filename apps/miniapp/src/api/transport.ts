// uni.request as a Transport for the request wrapper. Only the wrapper (and nothing in pages) sends requests.
import type { Transport } from './request';

export const uniTransport: Transport = (req) =>
  new Promise((resolve, reject) => {
    uni.request({
      url: req.url,
      method: req.method as UniApp.RequestOptions['method'],
      data: req.data as UniApp.RequestOptions['data'],
      header: req.headers,
      timeout: req.timeoutMs,
      dataType: 'json',
      success: (res) => resolve({ status: res.statusCode, data: res.data, headers: res.header as Record<string, string> | undefined }),
      fail: (err) => reject(new Error(err.errMsg)),
    });
  });
