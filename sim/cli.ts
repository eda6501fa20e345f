// The simulator from a terminal: tsx sim/cli.ts [--config FILE] [--demo] [--port N].
// A dev tool, so it may end the process; SIGINT/SIGTERM stop every plugin through onShutdown
// first, then exit with code 0.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFile } from './config-load';
import { DEMO_CONFIG, demoLinks, linkDemoPlugin, seedDemoSettings } from './demo/setup';
import { ConfigError } from './errors';
import { startSimulator } from './index';

const USAGE = `Симулятор монитора KServer для плагинов.
Запуск: tsx sim/cli.ts [--config ФАЙЛ] [--demo] [--port N]
  --config ФАЙЛ  конфигурация симулятора (JSON); по умолчанию sim/demo/config.json
  --demo         демо: ссылка <pluginsDir>/pult на корень репозитория (плагин pult в режиме
                 разработчика; сначала npm run build) и адреса для браузера
  --port N       порт HTTP вместо заданного в конфигурации (0 — любой свободный)
  --help         эта справка`;

async function main(): Promise<void> {
  let values;
  try {
    values = parseArgs({
      options: {
        config: { type: 'string' },
        demo: { type: 'boolean', default: false },
        port: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    console.error(`--port: ожидалось число от 0 до 65535, получено «${values.port}»`);
    process.exit(2);
  }
  const configFile = path.resolve(values.config ?? DEMO_CONFIG);
  const overrides = port === undefined ? {} : { port };
  if (values.demo) {
    const demoConfig = loadConfigFile(configFile, overrides);
    const warning = await linkDemoPlugin(demoConfig.pluginsDir);
    if (warning) console.log(`Внимание: ${warning}`);
    if (await seedDemoSettings(demoConfig.storageDir)) console.log('Настройки pult для демо: принимается МедицинаБольница 2.0.6.*');
  }

  const sim = await startSimulator({ config: configFile, overrides });
  if (values.demo) console.log(demoLinks(sim));
  else console.log(`Страницы симулятора: ${sim.url}/_sim/ · остановить: Ctrl+C`);

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`${signal} ещё раз — выхожу, не дожидаясь плагинов`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: останавливаю плагины…`);
    sim.stop().then(
      () => process.exit(0),
      (err: Error) => {
        console.error(`Ошибка при остановке: ${err.stack ?? err}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((err: Error) => {
  console.error(err instanceof ConfigError ? err.message : `Симулятор не запустился: ${err.stack ?? err}`);
  process.exit(1);
});
