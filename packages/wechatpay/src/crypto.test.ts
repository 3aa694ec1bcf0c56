import { createPublicKey } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  decryptAeadAes256Gcm,
  decryptResource,
  encryptResource,
  loadPrivateKey,
  nonce,
  parseAuthorization,
  requestPaymentParams,
  signedHeaders,
  verifyAuthorization,
  verifyRequestPayment,
  verifyWechatpaySignature,
} from './crypto';

// A public, test-only key committed on purpose (see fixtures/README.md): it pins signatures.
const fixtureKeyPath = fileURLToPath(new URL('./fixtures/test-only-merchant-key.pem', import.meta.url));
const privateKey = loadPrivateKey(fixtureKeyPath);
const publicKey = createPublicKey(privateKey);
const merchant = { mchid: '1900000109', serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', privateKey };

describe('AEAD_AES_256_GCM (docs/wechat-pay.md §12)', () => {
  it('decrypts the documented vector', () => {
    expect(
      decryptAeadAes256Gcm('ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=', 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb', 'uluk4a9R25RW', 'associatedData'),
    ).toBe('message');
  });

  it('refuses a wrong AAD, a wrong key and a flipped tag bit', () => {
    const key = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb';
    expect(() => decryptAeadAes256Gcm('ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=', key, 'uluk4a9R25RW', 'associatedDatb')).toThrow();
    expect(() =>
      decryptAeadAes256Gcm('ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=', 'b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb', 'uluk4a9R25RW', 'associatedData'),
    ).toThrow();
    const bytes = Buffer.from('ulwSiIajGClcvcOYvOQ7+l+0PAbzzwI=', 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => decryptAeadAes256Gcm(bytes.toString('base64'), key, 'uluk4a9R25RW', 'associatedData')).toThrow();
  });

  it('round-trips a resource and insists on a 32-byte APIv3 key', () => {
    const apiV3Key = nonce(32);
    const resource = encryptResource('{"out_trade_no":"A1"}', apiV3Key, 'transaction');
    expect(resource).toMatchObject({ algorithm: 'AEAD_AES_256_GCM', associated_data: 'transaction', original_type: 'transaction' });
    expect(resource.nonce).toHaveLength(12);
    expect(decryptResource(resource, apiV3Key)).toBe('{"out_trade_no":"A1"}');
    expect(() => encryptResource('x', 'short', 'transaction')).toThrow(/32 bytes/);
  });
});

describe('SHA256withRSA signatures are deterministic: pinned with the test-only key', () => {
  const body =
    '{"appid":"wxd678efh567hg6787","mchid":"1900000109","description":"小店-测试商品","out_trade_no":"XD20260519091500A1",' +
    '"notify_url":"https://shop.example.com/api/pay/notify","amount":{"total":1,"currency":"CNY"},' +
    '"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}';
  const request = { method: 'POST', pathWithQuery: '/v3/pay/transactions/jsapi', body };
  const pinnedAuthorization =
    'WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",' +
    'signature="Uly3PQy79DfdgmeCWjRaGoc6IF79XZMSDcaSf8ylMVGeCVy4PTPhzdB36xXSMsoTf0dQDHii9Y5K0v0zW3282ZTFNgMlW7Os96VlZkMzch/KuhOlAb3/z0CwrJXYFIG71fXMCZ1a23mmmh43NzO4Jbuu5kO1OY26QnMXRXHslmibtJGQO103WV220TrlbvSQ0t6GROFP+1FslAJmB29zXe1ldFHAv0JRMJfEse1KfHAp1fic2yTjDyjDucztLN/0FKvMDQ+Is0OaIcgGE5ukmrQjLMdRDzMh+xUXokCRf58gtce6XIvgCa+PvhxEwcDQUliqPG1Upym5bHLMq6Fscg==",' +
    'timestamp="1554208460",serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1"';

  it('pins the Authorization header of a prepay request', () => {
    const header = authorizationHeader(request, merchant, { timestamp: 1554208460, nonce: '593BEC0C930BF1AFEB40B4A08C8FB242' });
    expect(header).toBe(pinnedAuthorization);
    const parsed = parseAuthorization(header)!;
    expect(parsed).toMatchObject({ mchid: '1900000109', timestamp: '1554208460', serial_no: merchant.serial });
    expect(verifyAuthorization(request, parsed, publicKey)).toBe(true);
    // One byte more in the body (a re-serialisation with a space) and the signature no longer holds.
    expect(verifyAuthorization({ ...request, body: body.replace('"total":1', '"total": 1') }, parsed, publicKey)).toBe(false);
    expect(verifyAuthorization({ ...request, pathWithQuery: '/v3/pay/transactions/native' }, parsed, publicKey)).toBe(false);
  });

  it('pins paySign of wx.requestPayment', () => {
    const params = requestPaymentParams('wxd678efh567hg6787', 'wx201410272009395522657a690389285100', privateKey, {
      timestamp: 1414561699,
      nonce: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    });
    expect(params).toEqual({
      appId: 'wxd678efh567hg6787',
      timeStamp: '1414561699',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      package: 'prepay_id=wx201410272009395522657a690389285100',
      signType: 'RSA',
      paySign:
        'AnL83NKcpAakqh0fMo5msR4c3zHMDXshx2DFvJhYv0LWib1/uzHfuVdKZsxydTv4PZn1vP0yhxBipDOpUHglUENscJcx4p2OCVG9C4WbG5jBcZyEMVYjJJD/A7NDFGMF377v9EXUDnBlPWwFnVolV6PIpR65ZoLsU/feYdsQkX1olElzMqZALkrEIu94ANg78BmJMAxB/vdu+elPG6Hfyllu+fDhPSQfxXEvKJNH3SCNs28ihd8sXiaKiQt2/xHNMVQll0eJx2bEExZ4Jo6gCfk0ep2/q+dB6Tf/bOuc+5tOZ1qa1jAVBWavG70gZUhY2W5JYqlKtdyO08JmF99HLQ==',
    });
    expect(verifyRequestPayment(params, publicKey)).toBe(true);
    expect(verifyRequestPayment({ ...params, appId: 'wx0000000000000000' }, publicKey)).toBe(false);
  });

  it('pins the Wechatpay-Signature of an answer and verifies it only over the same bytes', () => {
    const headers = signedHeaders('{"code":"SUCCESS"}', { serial: 'PUB_KEY_ID_0114232134912410000000000000', privateKey }, {
      timestamp: 1554209980,
      nonce: 'c5ac7061fccab6bf3e254dcf98995b8c',
    });
    expect(headers['Wechatpay-Signature']).toBe(
      'aMKE9fLsgVoRCt4DdrHZ82MQly6rQtFgB7sbjyhbg/qwi2TtFVV8JYTjJ9Gneudfm28q/vQvX1k9TBtao5OdEJF4WFqoQN/D97IK+qvitf7Y7m2qWNwPPRBeyZR6UTO//V3/bRROdfm0qAeCPR/HbMIgdWdTjI0h53y/2VCxFP9sMjWUzTGABt1JkXoXBau79IMMa+cc0Kd3Ybt7W28gN1ms8ghMBUQjUez/R0Y69/RsqB7j3jWsmoEjfdwkOsy459PdIeK+ViaeI2ntiQt8a9nBSEA6ft7zP0Fa1dxFDEehF4DK9u0dHcd+dCFmMf7+TemCdtw12NYFyJ1j6/ifLw==',
    );
    const check = { timestamp: '1554209980', nonce: 'c5ac7061fccab6bf3e254dcf98995b8c', signature: headers['Wechatpay-Signature'] };
    expect(verifyWechatpaySignature('{"code":"SUCCESS"}', check, publicKey)).toBe(true);
    expect(verifyWechatpaySignature('{"code": "SUCCESS"}', check, publicKey)).toBe(false);
    expect(verifyWechatpaySignature('{"code":"SUCCESS"}', { ...check, timestamp: '1554209981' }, publicKey)).toBe(false);
  });

  it('does not throw on the WECHATPAY/SIGNTEST/ probe or other garbage, and refuses it', () => {
    const check = { timestamp: '1554209980', nonce: 'n' };
    for (const signature of ['WECHATPAY/SIGNTEST/ABCDEFG==', '', '!!!!', 'QUJD', 'a'.repeat(5000)]) {
      expect(verifyWechatpaySignature('{}', { ...check, signature }, publicKey)).toBe(false);
    }
  });
});
