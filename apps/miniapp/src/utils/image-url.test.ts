import { describe, expect, it } from 'vitest';
import { imageSrc } from './image-url';

const API = 'http://127.0.0.1:3000';

describe('imageSrc', () => {
  it('asks the API for the size the place needs, whatever size the url named', () => {
    expect(imageSrc('/api/images/abc123', 'thumb', API)).toBe(`${API}/api/images/abc123/thumb`);
    expect(imageSrc('/api/images/abc123/medium', 'thumb', API)).toBe(`${API}/api/images/abc123/thumb`);
    expect(imageSrc('/api/images/abc123/thumb', 'medium', API)).toBe(`${API}/api/images/abc123/medium`);
    expect(imageSrc('/api/images/abc123/medium', 'original', API)).toBe(`${API}/api/images/abc123`);
  });

  it('puts the API origin in front of paths (H5 has none: same origin)', () => {
    expect(imageSrc('/api/images/abc/medium', 'thumb', '')).toBe('/api/images/abc/thumb');
    expect(imageSrc('/api/images/abc', 'medium', `${API}/`)).toBe(`${API}/api/images/abc/medium`);
    // Another path of the API's images (an older form) is loaded as it is.
    expect(imageSrc('/api/images/legacy.png', 'thumb', API)).toBe(`${API}/api/images/legacy.png`);
  });

  it('leaves https urls alone and gives nothing for no url', () => {
    expect(imageSrc('https://cdn.example.com/a.jpg', 'thumb', API)).toBe('https://cdn.example.com/a.jpg');
    expect(imageSrc(undefined, 'thumb', API)).toBe('');
    expect(imageSrc('', 'medium', API)).toBe('');
  });
});
