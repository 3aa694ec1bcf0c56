/** One value per database connection (the models of one API instance), made on first use: gatherers, local maps. */
export function perModels<M extends object, F>(make: (models: M) => F): (models: M) => F {
  const made = new WeakMap<M, F>();
  return (models) => {
    let f = made.get(models);
    if (!f) made.set(models, (f = make(models)));
    return f;
  };
}
