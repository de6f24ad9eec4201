/**
 * The seed catalog of task templates: common home-maintenance jobs with how-to text, a category, a default
 * priority, a schedule and the property types they apply to. Operators curate the live catalog in the admin
 * panel; this list seeds it. `starter` marks the jobs offered to a new residence of those property types.
 *
 * Seasonal RRULE dates assume the northern hemisphere; users can edit a task's schedule after adding it.
 */
import type { Recurrence } from "./recurrence.ts";

/** What a task is about; also the trades a contractor works in. The database's enum columns use these lists. */
export const TASK_CATEGORIES = [
  "hvac",
  "plumbing",
  "electrical",
  "appliances",
  "exterior",
  "interior",
  "yard",
  "safety",
  "cleaning",
  "pest",
  "other",
] as const;
export const TASK_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export const PROPERTY_TYPES = ["house", "townhouse", "condo", "apartment", "other"] as const;

export type TaskCategory = (typeof TASK_CATEGORIES)[number];
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export type TaskTemplateSeed = {
  /** stable identifier, kebab-case, unique */
  slug: string;
  title: string;
  /** 2-5 practical sentences */
  howTo: string;
  category: TaskCategory;
  priority: TaskPriority;
  recurrence: Recurrence;
  propertyTypes: readonly PropertyType[];
  /** offered to a new residence of one of `propertyTypes` */
  starter: boolean;
};

const ALL: readonly PropertyType[] = PROPERTY_TYPES;
/** homes whose occupant usually runs their own furnace/water heater (not a rented apartment) */
const OWNED: readonly PropertyType[] = ["house", "townhouse", "condo", "other"];
/** homes with their own roof, gutters, yard or outside walls */
const GROUND: readonly PropertyType[] = ["house", "townhouse", "other"];
/** detached homes: lawns, septic systems */
const DETACHED: readonly PropertyType[] = ["house", "other"];

const every = (interval: number, unit: "day" | "week" | "month" | "year"): Recurrence => ({
  kind: "fixed",
  interval,
  unit,
});
const afterDone = (interval: number, unit: "day" | "week" | "month"): Recurrence => ({
  kind: "afterCompletion",
  interval,
  unit,
});
const rrule = (body: string): Recurrence => ({ kind: "fixed", rrule: body });

export const TASK_TEMPLATE_CATALOG: readonly TaskTemplateSeed[] = [
  // --- HVAC ------------------------------------------------------------------------------------------
  {
    slug: "replace-hvac-filter",
    title: "Replace HVAC filter",
    howTo:
      "Turn the system off, slide out the old filter and note the size printed on its frame. Insert the new filter with the airflow arrow pointing toward the blower (away from the return grille). Check it monthly if you have pets or allergies and replace sooner when it looks grey.",
    category: "hvac",
    priority: "normal",
    recurrence: afterDone(90, "day"),
    propertyTypes: ALL,
    starter: true,
  },
  {
    slug: "service-furnace",
    title: "Service the furnace before winter",
    howTo:
      "Book an HVAC technician for a heating tune-up in early autumn, before the first cold snap. They should clean the burners and flame sensor, check the heat exchanger for cracks, test the igniter and safety controls and measure carbon monoxide. Replace the filter at the same visit.",
    category: "hvac",
    priority: "normal",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=15"),
    propertyTypes: OWNED,
    starter: true,
  },
  {
    slug: "service-air-conditioner",
    title: "Service the air conditioner in spring",
    howTo:
      "Have a technician check refrigerant charge, clean the evaporator and condenser coils, and test capacitors and contactors before the cooling season. Ask them to flush the condensate drain line so it does not back up and leak. Run the system for 15 minutes afterwards to confirm it blows cold.",
    category: "hvac",
    priority: "normal",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=15"),
    propertyTypes: OWNED,
    starter: false,
  },
  {
    slug: "clean-ac-condenser",
    title: "Clean around the outdoor AC unit",
    howTo:
      "Switch off power at the outdoor disconnect. Clear leaves and debris and trim plants back to leave about 60 cm (2 ft) of space around the unit. Gently rinse the fins from the inside out with a garden hose (never a pressure washer) and straighten bent fins with a fin comb.",
    category: "hvac",
    priority: "low",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "replace-hvac-uv-bulb",
    title: "Replace the HVAC UV lamp",
    howTo:
      "UV-C lamps in the air handler lose most of their germicidal output after about a year even though they still glow. Turn off the system and the lamp's power before opening the housing, and never look at a lit UV-C lamp. Handle the new bulb by its ends with gloves so skin oils do not shorten its life.",
    category: "hvac",
    priority: "low",
    recurrence: every(1, "year"),
    propertyTypes: OWNED,
    starter: false,
  },
  {
    slug: "flush-ac-condensate-line",
    title: "Flush the AC condensate drain line",
    howTo:
      "Find the PVC drain line near the indoor coil and remove the cap on its access tee. Pour in a cup of white vinegar (or warm water with a little dish soap) and let it sit for 30 minutes to clear algae and slime. If water stands in the drain pan, clear the line with a wet/dry vacuum from the outdoor end.",
    category: "hvac",
    priority: "normal",
    recurrence: every(3, "month"),
    propertyTypes: OWNED,
    starter: false,
  },
  {
    slug: "clean-vents-and-registers",
    title: "Vacuum supply vents and return grilles",
    howTo:
      "Remove the register covers and wash them in warm soapy water. Vacuum as far into the duct opening as the hose reaches and wipe the grille of each return. Make sure furniture and rugs are not blocking any vent.",
    category: "cleaning",
    priority: "low",
    recurrence: every(3, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  // --- Plumbing --------------------------------------------------------------------------------------
  {
    slug: "flush-water-heater",
    title: "Flush the water heater",
    howTo:
      "Turn the heater off (gas to 'pilot' or the breaker off for electric) and close the cold-water inlet. Attach a hose to the drain valve, run it to a floor drain or outside, open a hot tap upstairs and drain until the water runs clear of sediment. Close the valve, refill with the hot tap open until water flows steadily, then restore power or gas.",
    category: "plumbing",
    priority: "normal",
    recurrence: every(1, "year"),
    propertyTypes: OWNED,
    starter: true,
  },
  {
    slug: "test-water-heater-relief-valve",
    title: "Test the water heater pressure relief valve",
    howTo:
      "Put a bucket under the discharge pipe and lift the temperature-and-pressure relief valve lever for a few seconds: a burst of hot water should come out and stop when you let go. Stand clear, as the water is scalding. If nothing comes out, or it keeps dripping afterwards, have the valve replaced by a plumber.",
    category: "plumbing",
    priority: "normal",
    recurrence: every(1, "year"),
    propertyTypes: OWNED,
    starter: false,
  },
  {
    slug: "inspect-water-heater-anode-rod",
    title: "Inspect the water heater anode rod",
    howTo:
      "Shut off power or gas and the cold supply, drain a few gallons and unscrew the anode rod from the top of the tank with a 1-1/16 in socket. Replace it if it is less than 1 cm thick or more than 15 cm of core wire is exposed. A good rod can double the life of the tank.",
    category: "plumbing",
    priority: "low",
    recurrence: every(3, "year"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "check-sump-pump",
    title: "Test the sump pump",
    howTo:
      "Slowly pour a bucket of water into the sump pit until the float rises: the pump should start, empty the pit and shut off on its own. Check that the discharge line outside is clear and points away from the foundation. Clean debris from the pit and test the backup battery if you have one.",
    category: "plumbing",
    priority: "high",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=1"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "winterize-outdoor-faucets",
    title: "Winterize outdoor faucets",
    howTo:
      "Disconnect and drain garden hoses before the first hard freeze. Close the indoor shut-off valve for each outdoor faucet, then open the outside tap to let the line drain and leave it open. Fit insulated covers on faucets that are not frost-free.",
    category: "plumbing",
    priority: "high",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=15"),
    propertyTypes: GROUND,
    starter: true,
  },
  {
    slug: "inspect-washing-machine-hoses",
    title: "Inspect washing machine hoses",
    howTo:
      "Pull the washer out and look for bulges, cracks, rust at the fittings or dampness on the floor. Replace rubber hoses every five years, or at once if they show any wear, with braided stainless-steel hoses. Leave about 10 cm between the machine and the wall so the hoses do not kink.",
    category: "plumbing",
    priority: "normal",
    recurrence: every(6, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "check-for-leaks-under-sinks",
    title: "Check under sinks for leaks",
    howTo:
      "Empty the cabinets under kitchen and bathroom sinks and run the taps for a minute. Look and feel for drips at the supply valves, hoses and drain trap, and for soft or stained cabinet floors. Tighten loose slip nuts by hand and call a plumber for anything that keeps dripping.",
    category: "plumbing",
    priority: "normal",
    recurrence: every(3, "month"),
    propertyTypes: ALL,
    starter: true,
  },
  {
    slug: "flush-drains",
    title: "Flush sink and tub drains",
    howTo:
      "Pull hair from tub and shower drains with a plastic drain snake. Pour a kettle of hot (not boiling, for PVC pipes) water down each drain, or half a cup of baking soda followed by a cup of vinegar, wait 15 minutes and flush with hot water. Avoid chemical drain cleaners, which damage pipes.",
    category: "plumbing",
    priority: "low",
    recurrence: every(1, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "exercise-main-water-shutoff",
    title: "Exercise the main water shut-off valve",
    howTo:
      "Make sure everyone in the home knows where the main shut-off is. Turn it fully closed and back open once a year so it does not seize, and check a tap to confirm the water stops. If it leaks at the stem, a gentle tightening of the packing nut usually fixes it.",
    category: "plumbing",
    priority: "normal",
    recurrence: every(1, "year"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "pump-septic-tank",
    title: "Pump the septic tank",
    howTo:
      "Hire a licensed septic contractor to pump the tank and inspect the baffles and outlet filter. Most households need pumping every 3 to 5 years depending on tank size and occupants. Keep the receipt and a sketch of the tank's location for the next visit.",
    category: "plumbing",
    priority: "high",
    recurrence: every(3, "year"),
    propertyTypes: DETACHED,
    starter: false,
  },
  {
    slug: "clean-shower-heads",
    title: "Descale shower heads and faucet aerators",
    howTo:
      "Unscrew the shower head (or tie a bag of white vinegar around it) and soak it for a few hours to dissolve mineral deposits. Unscrew faucet aerators, soak them the same way and brush the screens with an old toothbrush. Rinse and reinstall, using plumber's tape on the shower arm threads.",
    category: "cleaning",
    priority: "low",
    recurrence: every(6, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "replace-water-filter",
    title: "Replace the water filter",
    howTo:
      "Replace refrigerator, pitcher or under-sink filter cartridges on the maker's schedule, usually every six months. Shut the supply valve for under-sink units, twist out the old cartridge and fit the new one. Run two or three litres through the new filter to flush out carbon fines before drinking.",
    category: "plumbing",
    priority: "normal",
    recurrence: afterDone(6, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "refill-water-softener-salt",
    title: "Check and top up the water softener salt",
    howTo:
      "Lift the brine tank lid and check the salt level: keep the tank at least a quarter full and a few centimetres above the water line. Break up any hard crust (a salt bridge) with a broom handle so the salt reaches the water. Top up with softener pellets or crystals of the type the maker names.",
    category: "plumbing",
    priority: "normal",
    recurrence: every(1, "month"),
    propertyTypes: OWNED,
    starter: false,
  },
  {
    slug: "clean-water-softener-brine-tank",
    title: "Clean the water softener brine tank",
    howTo:
      "Put the softener in bypass, let the salt run low and scoop out what is left with any sludge at the bottom. Wash the tank with dish soap and water, rinse it, and refill it with a few litres of water and fresh salt. Take the softener out of bypass and run a manual regeneration.",
    category: "plumbing",
    priority: "low",
    recurrence: every(1, "year"),
    propertyTypes: OWNED,
    starter: false,
  },
  // --- Safety ----------------------------------------------------------------------------------------
  {
    slug: "test-smoke-co-alarms",
    title: "Test smoke and CO alarms",
    howTo:
      "Press and hold the test button on every smoke and carbon monoxide alarm until it sounds. Vacuum dust from the vents. Replace any alarm that does not sound and, for interconnected alarms, check that testing one sets off all the others.",
    category: "safety",
    priority: "high",
    recurrence: rrule("FREQ=MONTHLY;BYDAY=1SA"),
    propertyTypes: ALL,
    starter: true,
  },
  {
    slug: "replace-smoke-alarm-batteries",
    title: "Replace smoke alarm batteries",
    howTo:
      "Replace the batteries in every battery-powered or battery-backup smoke and CO alarm once a year, even if they have not chirped. Test each alarm after fitting the new battery. Sealed 10-year alarms have no replaceable battery: check their expiry date instead.",
    category: "safety",
    priority: "high",
    recurrence: every(1, "year"),
    propertyTypes: ALL,
    starter: true,
  },
  {
    slug: "replace-smoke-alarms",
    title: "Replace smoke alarms at end of life",
    howTo:
      "Smoke alarms should be replaced 10 years after their manufacture date, printed on the back; CO alarms typically after 5 to 7 years. Buy the same type (and interconnect system) as the existing alarms. Write the install date on the new alarm with a marker.",
    category: "safety",
    priority: "high",
    recurrence: every(10, "year"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "check-fire-extinguisher",
    title: "Check the fire extinguisher",
    howTo:
      "Check that the pressure gauge needle is in the green zone, the pin and tamper seal are intact and the hose is not cracked. Make sure the extinguisher is mounted where it can be reached, near the kitchen exit. Turn dry-chemical extinguishers upside down and tap them occasionally so the powder does not cake.",
    category: "safety",
    priority: "normal",
    recurrence: every(1, "month"),
    propertyTypes: ALL,
    starter: true,
  },
  {
    slug: "test-garage-door-auto-reverse",
    title: "Test the garage door auto-reverse",
    howTo:
      "Lay a 2x4 board flat on the floor under the door and close it: the door must reverse when it touches the board. Then wave an object through the photo-eye beam while the door closes; it should reverse too. If either test fails, adjust the force setting or align the sensors, or call a technician.",
    category: "safety",
    priority: "normal",
    recurrence: every(1, "month"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "test-for-radon",
    title: "Test for radon",
    howTo:
      "Place a short-term radon test kit in the lowest lived-in level of the home, away from drafts, for the time on the kit. Send it to the lab and act if the result is at or above 4 pCi/L (148 Bq/m3). Retest after any major renovation or new mitigation system.",
    category: "safety",
    priority: "normal",
    recurrence: every(2, "year"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "chimney-sweep",
    title: "Chimney inspection and sweep",
    howTo:
      "Have a certified chimney sweep inspect the chimney and remove creosote before the heating season. Ask them to check the flue liner, damper, cap and crown for damage. Burn only dry, seasoned wood to slow creosote buildup between sweeps.",
    category: "safety",
    priority: "high",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1"),
    propertyTypes: OWNED,
    starter: false,
  },
  {
    slug: "check-emergency-kit",
    title: "Refresh the emergency kit",
    howTo:
      "Check the water, food, medicine and first-aid supplies in your emergency kit and replace anything expired. Test the flashlights and radio and swap in fresh batteries. Update the printed list of emergency contacts.",
    category: "safety",
    priority: "normal",
    recurrence: every(6, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  // --- Electrical ------------------------------------------------------------------------------------
  {
    slug: "test-gfci-outlets",
    title: "Test GFCI outlets",
    howTo:
      "Press TEST on each GFCI outlet in kitchens, bathrooms, garages and outside: the RESET button should pop out and power should cut off (check with a lamp). Press RESET to restore power. Replace any GFCI that does not trip or will not reset.",
    category: "electrical",
    priority: "normal",
    recurrence: every(1, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "test-afci-breakers",
    title: "Test AFCI breakers",
    howTo:
      "Press the TEST button on each arc-fault breaker in the panel; it should trip to the off or middle position. Switch it fully off and back on to reset. A breaker that does not trip should be replaced by an electrician.",
    category: "electrical",
    priority: "low",
    recurrence: every(1, "year"),
    propertyTypes: OWNED,
    starter: false,
  },
  {
    slug: "check-outdoor-lighting",
    title: "Check outdoor and security lights",
    howTo:
      "Walk around the house at dusk and check that porch, path and motion-sensor lights come on. Replace dead bulbs and clean lenses, and adjust motion sensors so they cover walkways and doors. Reset timers after daylight-saving changes.",
    category: "electrical",
    priority: "low",
    recurrence: every(6, "month"),
    propertyTypes: GROUND,
    starter: false,
  },
  // --- Appliances ------------------------------------------------------------------------------------
  {
    slug: "clean-dryer-vent",
    title: "Clean the dryer vent",
    howTo:
      "Unplug the dryer (and shut the gas valve for a gas dryer), pull it out and disconnect the duct. Clean the duct and the wall outlet with a dryer vent brush kit, and make sure the outside flap opens freely. Replace foil or plastic ducts with rigid or semi-rigid metal duct; lint buildup is a leading cause of dryer fires.",
    category: "appliances",
    priority: "high",
    recurrence: every(1, "year"),
    propertyTypes: ALL,
    starter: true,
  },
  {
    slug: "clean-refrigerator-coils",
    title: "Clean refrigerator coils",
    howTo:
      "Unplug the fridge and remove the kick plate at the bottom front, or pull the fridge out to reach coils at the back. Vacuum the condenser coils and fan with a brush attachment or a coil brush. Dusty coils make the compressor run longer and use more electricity.",
    category: "appliances",
    priority: "normal",
    recurrence: every(6, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "clean-dishwasher-filter",
    title: "Clean the dishwasher filter",
    howTo:
      "Twist out the cylindrical filter at the bottom of the dishwasher and lift out the mesh screen. Rinse both under hot water and scrub with a soft brush and dish soap to remove grease and food. Once a month, also run an empty hot cycle with a dishwasher cleaner or a cup of vinegar on the top rack to descale it.",
    category: "appliances",
    priority: "low",
    recurrence: every(1, "month"),
    propertyTypes: ALL,
    starter: true,
  },
  {
    slug: "clean-garbage-disposal",
    title: "Clean the garbage disposal",
    howTo:
      "With the disposal off, scrub the rubber splash guard with an old toothbrush. Grind a handful of ice cubes with a tablespoon of coarse salt to scour the chamber, then a few lemon or citrus peels to freshen it. Flush with cold water while running.",
    category: "cleaning",
    priority: "low",
    recurrence: every(2, "week"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "clean-washing-machine",
    title: "Clean the washing machine",
    howTo:
      "Run the washer's clean cycle (or the hottest cycle) empty with a washer cleaner tablet or two cups of white vinegar. Wipe the door gasket on front-loaders, pulling back the folds to remove lint and mildew, and clean the detergent drawer. Leave the door open between loads to let it dry.",
    category: "appliances",
    priority: "low",
    recurrence: every(1, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "clean-range-hood-filter",
    title: "Clean the range hood filter",
    howTo:
      "Pop out the metal mesh filters from the range hood. Soak them for 15 minutes in very hot water with dish soap and a quarter cup of baking soda, scrub with a soft brush, rinse and let dry before refitting. Replace charcoal (recirculating) filters instead of washing them, typically every three to six months.",
    category: "cleaning",
    priority: "normal",
    recurrence: every(3, "month"),
    propertyTypes: ALL,
    starter: true,
  },
  {
    slug: "clean-oven",
    title: "Deep-clean the oven",
    howTo:
      "Remove the racks and soak them in hot soapy water. Run the self-clean cycle with the window open, or coat the inside with a baking-soda paste overnight and wipe it out with a damp cloth and vinegar spray. Never use oven cleaner on self-cleaning oven enamel.",
    category: "cleaning",
    priority: "low",
    recurrence: every(6, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "clean-microwave-filters",
    title: "Clean the microwave's grease filter",
    howTo:
      "On an over-the-range microwave, slide out the metal grease filters under it and soak them in hot water with dish soap and baking soda, then rinse and dry. Replace the charcoal (recirculating) filter every six months if it has one. Wipe the inside with a bowl of water and lemon heated for three minutes to loosen spatters.",
    category: "appliances",
    priority: "low",
    recurrence: every(1, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  // --- Exterior --------------------------------------------------------------------------------------
  {
    slug: "clean-gutters",
    title: "Clean gutters and downspouts",
    howTo:
      "Working from a stable ladder, scoop leaves and debris out of the gutters and flush them with a hose, working toward the downspouts. Check that downspouts run freely and discharge at least 1.5 m (5 ft) from the foundation. Look for sagging sections and loose hangers while you are up there.",
    category: "exterior",
    priority: "high",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=1"),
    propertyTypes: GROUND,
    starter: true,
  },
  {
    slug: "inspect-roof",
    title: "Inspect the roof",
    howTo:
      "From the ground with binoculars, or from a ladder at the eaves, look for missing, cracked or curling shingles, lifted flashing around chimneys and vents, and granules collecting in the gutters. Check after major storms as well. Call a roofer for repairs rather than walking on a steep or wet roof.",
    category: "exterior",
    priority: "normal",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=15"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "inspect-foundation-and-grading",
    title: "Inspect the foundation and grading",
    howTo:
      "Walk the perimeter and look for new or widening cracks, efflorescence and places where soil slopes toward the house. The ground should fall away about 15 cm over the first 3 m from the walls. Seal hairline cracks and regrade low spots before the rainy season.",
    category: "exterior",
    priority: "normal",
    recurrence: every(1, "year"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "power-wash-deck",
    title: "Power-wash the deck and patio",
    howTo:
      "Sweep the deck and cover nearby plants. Use a wide fan tip at low pressure (around 500-1200 psi for softwood) and keep the wand moving along the grain, 30 cm from the surface, to avoid gouging. Let the wood dry for 48 hours before sealing or staining.",
    category: "exterior",
    priority: "low",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "seal-deck",
    title: "Seal or stain the deck",
    howTo:
      "Sprinkle water on the boards: if it soaks in rather than beading, the deck needs sealing. Clean and let the wood dry, then apply a penetrating sealer or stain in thin coats with a brush or pad, two or three boards at a time. Choose a dry forecast with temperatures between 10 and 30 C.",
    category: "exterior",
    priority: "normal",
    recurrence: every(2, "year"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "inspect-siding-and-paint",
    title: "Inspect siding and exterior paint",
    howTo:
      "Look for peeling paint, cracked or loose siding, and gaps around windows, doors and pipe penetrations. Scrape and touch up bare wood before winter so water cannot get in. Re-caulk exterior trim joints with paintable exterior-grade sealant.",
    category: "exterior",
    priority: "low",
    recurrence: every(1, "year"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "lubricate-garage-door",
    title: "Lubricate the garage door",
    howTo:
      "Spray a garage-door lubricant (silicone or white lithium) on the rollers, hinges, springs and the opener's chain or screw. Wipe off the excess. Tighten loose bracket bolts, but leave the high-tension springs and cables to a professional.",
    category: "exterior",
    priority: "low",
    recurrence: every(6, "month"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "check-weatherstripping",
    title: "Check weatherstripping on doors and windows",
    howTo:
      "Close each exterior door and window on a strip of paper: if it slides out easily, the seal is not tight. On a windy day, feel for drafts or move a lit incense stick around the frames. Replace flattened or torn weatherstripping and door sweeps before the heating season.",
    category: "interior",
    priority: "normal",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1"),
    propertyTypes: ALL,
    starter: false,
  },
  // --- Interior --------------------------------------------------------------------------------------
  {
    slug: "check-attic-for-leaks",
    title: "Check the attic for leaks",
    howTo:
      "With a flashlight, look at the underside of the roof deck and around chimneys, vents and skylights for water stains, damp insulation or daylight. Check for mould and make sure soffit vents are not blocked by insulation. Go up after a heavy rain if you can; it is the easiest time to find a leak.",
    category: "interior",
    priority: "normal",
    recurrence: every(6, "month"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "inspect-tub-shower-caulk",
    title: "Inspect caulking around tubs and showers",
    howTo:
      "Look for cracked, peeling or mouldy caulk where the tub or shower meets the wall and floor. Cut out failed caulk with a utility knife, clean with rubbing alcohol and let it dry. Apply a fresh bead of 100% silicone kitchen-and-bath sealant and keep the shower dry for 24 hours.",
    category: "interior",
    priority: "normal",
    recurrence: every(6, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "reseal-grout",
    title: "Reseal tile grout",
    howTo:
      "Deep-clean the grout lines with a grout brush and an alkaline cleaner, then let them dry completely for a day. Apply a penetrating grout sealer with a small brush or applicator bottle and wipe sealer off the tile faces within a few minutes. Water drops should bead on properly sealed grout.",
    category: "interior",
    priority: "low",
    recurrence: every(1, "year"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "clean-bathroom-exhaust-fans",
    title: "Clean bathroom exhaust fans",
    howTo:
      "Switch off the fan at the breaker, pull the cover down and unclip its springs. Wash the cover in soapy water and vacuum dust from the fan blades and motor housing. Test that the fan holds a square of toilet paper against the grille; if not, the duct may be blocked.",
    category: "cleaning",
    priority: "low",
    recurrence: every(6, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "clean-window-tracks",
    title: "Clean window and sliding door tracks",
    howTo:
      "Vacuum loose dirt from the tracks with a crevice tool. Sprinkle baking soda, spray with vinegar, let it fizz and scrub with an old toothbrush, then wipe dry. Clear the weep holes at the bottom of the frame and put a little silicone spray on sliding door tracks.",
    category: "cleaning",
    priority: "low",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=4,10;BYMONTHDAY=15"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "clean-ceiling-fans",
    title: "Dust ceiling fans and light fixtures",
    howTo:
      "Slide an old pillowcase over each fan blade and pull it back to trap the dust. Wipe light fixtures and replace burnt-out bulbs. Set fans to spin counter-clockwise in summer and clockwise on low in winter.",
    category: "cleaning",
    priority: "low",
    recurrence: every(3, "month"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "deep-clean-carpets",
    title: "Deep-clean carpets",
    howTo:
      "Vacuum thoroughly, then use a rented hot-water extraction machine or hire a professional cleaner. Pre-treat stains and high-traffic lanes and avoid over-wetting, which can cause mould under the pad. Keep the room ventilated until the carpet is completely dry.",
    category: "cleaning",
    priority: "low",
    recurrence: every(1, "year"),
    propertyTypes: ALL,
    starter: false,
  },
  // --- Yard ------------------------------------------------------------------------------------------
  {
    slug: "aerate-lawn",
    title: "Aerate the lawn",
    howTo:
      "Water the lawn the day before so the soil is moist. Run a core aerator (rentable) over the lawn, pulling plugs 5-8 cm deep, and leave the cores to break down. Early autumn suits cool-season grasses; overseed and fertilize right after.",
    category: "yard",
    priority: "low",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=15"),
    propertyTypes: DETACHED,
    starter: false,
  },
  {
    slug: "fertilize-lawn",
    title: "Fertilize the lawn",
    howTo:
      "Apply a slow-release lawn fertilizer with a broadcast spreader, following the bag rate, in spring, early summer and early autumn. Water it in lightly afterwards. Sweep granules off paths and driveways so they do not wash into drains.",
    category: "yard",
    priority: "low",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=4,6,9;BYMONTHDAY=1"),
    propertyTypes: DETACHED,
    starter: false,
  },
  {
    slug: "mulch-garden-beds",
    title: "Mulch garden beds",
    howTo:
      "Weed the beds first, then spread 5-8 cm of shredded bark or wood-chip mulch. Keep mulch a hand's width away from tree trunks and the house siding to prevent rot and pests. Top up thin areas rather than piling it deeper each year.",
    category: "yard",
    priority: "low",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "prune-shrubs-and-trees",
    title: "Prune shrubs and small trees",
    howTo:
      "Prune most deciduous shrubs and trees in late winter while they are dormant, cutting out dead, damaged and crossing branches first. Prune spring-flowering shrubs such as lilac and forsythia right after they bloom instead. Keep branches at least 1 m from the roof and siding.",
    category: "yard",
    priority: "low",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=15"),
    propertyTypes: GROUND,
    starter: false,
  },
  {
    slug: "service-lawn-mower",
    title: "Service the lawn mower",
    howTo:
      "Before the mowing season, change the oil, replace the spark plug and air filter and sharpen or replace the blade. Disconnect the spark plug wire before touching the blade. Use fresh fuel with stabilizer.",
    category: "yard",
    priority: "low",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
    propertyTypes: DETACHED,
    starter: false,
  },
  {
    slug: "winterize-irrigation",
    title: "Winterize the sprinkler system",
    howTo:
      "Shut off the irrigation water supply and set the controller to its rain or off mode before the first freeze. Drain the lines using the manual drain valves or have a pro blow them out with compressed air. Insulate the backflow preventer if it is above ground.",
    category: "yard",
    priority: "high",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=15"),
    propertyTypes: DETACHED,
    starter: false,
  },
  // --- Pest ------------------------------------------------------------------------------------------
  {
    slug: "pest-inspection",
    title: "Pest and termite inspection",
    howTo:
      "Have a licensed pest control company inspect for termites, carpenter ants and rodents, especially in the crawl space, attic and around the foundation. Between visits, watch for mud tubes on foundation walls, discarded wings on windowsills and droppings in cabinets. Keep firewood and mulch away from the walls.",
    category: "pest",
    priority: "normal",
    recurrence: every(1, "year"),
    propertyTypes: ALL,
    starter: false,
  },
  {
    slug: "seal-pest-entry-points",
    title: "Seal pest entry points",
    howTo:
      "In autumn, walk the outside of the home and look for gaps around pipes, cables, vents and under doors. Mice fit through holes the size of a pencil: fill gaps with steel wool and seal with caulk or expanding foam. Fix torn window and vent screens.",
    category: "pest",
    priority: "low",
    recurrence: rrule("FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=15"),
    propertyTypes: GROUND,
    starter: false,
  },
  // --- Other -----------------------------------------------------------------------------------------
  {
    slug: "review-home-inventory",
    title: "Update the home inventory and insurance",
    howTo:
      "Walk through each room recording a short video of your belongings and update the list of valuables with receipts and serial numbers. Review your home insurance coverage against any renovations or major purchases. Store the files somewhere off-site, such as cloud storage.",
    category: "other",
    priority: "low",
    recurrence: every(1, "year"),
    propertyTypes: ALL,
    starter: false,
  },
];

/** The templates offered to a new residence of this property type. */
export function starterTemplates(propertyType: PropertyType): TaskTemplateSeed[] {
  return TASK_TEMPLATE_CATALOG.filter((t) => t.starter && t.propertyTypes.includes(propertyType));
}

export function findTemplate(slug: string): TaskTemplateSeed | undefined {
  return TASK_TEMPLATE_CATALOG.find((t) => t.slug === slug);
}
