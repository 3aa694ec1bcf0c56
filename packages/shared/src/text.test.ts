import { describe, expect, it } from 'vitest';
import { address, createProductInput, plainText, updateProductInput } from './schemas';
import { hasControlCharacters, isImageUrl, normalizePhone } from './text';

const ADDRESS = { name: '张三', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号' };

describe('plain text', () => {
  it.each(['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u009b', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'])(
    'refuses %j inside a name or an address',
    (control) => {
      expect(hasControlCharacters(`张${control}三`)).toBe(true);
      expect(address.safeParse({ ...ADDRESS, name: `张${control}三` }).success).toBe(false);
      expect(address.safeParse({ ...ADDRESS, detail: `科技园${control}1 号` }).success).toBe(false);
      expect(createProductInput.safeParse({ name: `Tea${control}`, priceFen: 100, stock: 1 }).success).toBe(false);
    },
  );

  it('keeps ordinary text, including Chinese, emoji and (where multi-line) line breaks', () => {
    expect(address.parse({ ...ADDRESS, name: ' 李四 👍 ' }).name).toBe('李四 👍');
    expect(plainText({ max: 10 }).safeParse('a\nb').success).toBe(false);
    expect(plainText({ max: 10, multiline: true }).safeParse('a\r\nb\tc').success).toBe(true);
    expect(plainText({ max: 10, multiline: true }).safeParse('a\u202eb').success).toBe(false);
    expect(createProductInput.parse({ name: 'Tea', description: 'line 1\nline 2', priceFen: 100, stock: 1 }).description).toBe('line 1\nline 2');
  });
});

describe('image URLs', () => {
  it.each(['https://cdn.example.com/a.jpg', '/api/images/65f0c0ffee', '/api/images/65f0c0ffee/400.webp', '/api/images/abc?w=200'])('accepts %s', (url) => {
    expect(isImageUrl(url)).toBe(true);
    expect(createProductInput.safeParse({ name: 'Tea', priceFen: 100, stock: 1, imageUrl: url }).success).toBe(true);
  });

  it.each([
    'javascript:alert(1)',
    'data:image/png;base64,AAAA',
    'http://cdn.example.com/a.jpg',
    '//evil.example/a.jpg',
    '/api/images/../admin',
    '/api/images/',
    '/etc/passwd',
    'https://user:pw@cdn.example.com/a.jpg',
    'https://cdn.example.com/a\u202e.jpg',
    'ftp://cdn.example.com/a.jpg',
  ])('refuses %s', (url) => {
    expect(isImageUrl(url)).toBe(false);
    expect(createProductInput.safeParse({ name: 'Tea', priceFen: 100, stock: 1, imageUrl: url }).success).toBe(false);
    expect(updateProductInput.safeParse({ imageUrl: url }).success).toBe(false);
  });
});

describe('phone numbers', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['010-12345678', '010-12345678'],
    ['0755-1234567', '0755-1234567'],
    ['0755 1234567', '0755-1234567'],
    ['02081167888', '02081167888'],
    ['020-81167888-123', '020-81167888-123'],
  ])('accepts %s as %s', (input, normalized) => {
    expect(normalizePhone(input)).toBe(normalized);
    expect(address.parse({ ...ADDRESS, phone: input }).phone).toBe(normalized);
  });

  it.each(['1380013800', '138001380001', '23800138000', '12345', '+86 138', '10-1234567', '010-123456', '0755-123456789', 'abc', '138\u00000138000'])(
    'refuses %s',
    (input) => {
      expect(normalizePhone(input)).toBeUndefined();
      expect(address.safeParse({ ...ADDRESS, phone: input }).success).toBe(false);
    },
  );
});
